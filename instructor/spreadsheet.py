"""CSV that a spreadsheet opens as text: every file the gradebook and the class report write for
instructors goes through csv_text.

A student's text reaches these files (their folder's name, their exceptions' messages, records
their code wrote). A cell that starts with =, +, -, @, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (=HYPERLINK(...) becomes a working link), so such a text cell
is written with a leading apostrophe, which they show as text (OWASP's advice for CSV injection); a
control character such as ESC is written as its escape (\\x1b), so that printing the file drives no terminal.
Numbers stay numbers. Any character can be written: a lone surrogate (a file name that is not
UTF-8) is written as its escape, \\udcff, by the writer of the file (kata/results.py's write_whole).
"""
import csv
import io
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")   # C0 controls but tab and line ends, and DEL


def cell(value):
    """The value as a spreadsheet should read it: a text that would be a formula, as text; a control
    character (ESC, BEL: what would drive the terminal of an instructor who prints the file) as its escape."""
    if isinstance(value, str):
        value = CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def csv_text(header, rows):
    """CSV of the header and rows (sequences, or dicts keyed by the header), every cell through cell()."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        values = [row.get(name, "") for name in header] if isinstance(row, dict) else row
        writer.writerow([cell(value) for value in values])
    return text.getvalue()
