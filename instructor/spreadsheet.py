"""CSV that a spreadsheet opens as text: every file the gradebook and the class report write for
instructors goes through csv_text.

A student's text reaches these files (their folder's name, their exceptions' messages, records
their code wrote). A cell that starts with =, +, -, @, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (=HYPERLINK(...) becomes a working link), so such a text cell
is written with a leading apostrophe, which they show as text (OWASP's advice for CSV injection).
Numbers stay numbers. Any character can be written: a lone surrogate (a file name that is not
UTF-8) is written as its escape, \\udcff, by the writer of the file (kata/results.py's write_whole).
"""
import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """The value as a spreadsheet should read it: a text that would be a formula, as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
