"""Word: the base of the kata's enums whose members are words (a results status, how a check ended,
how a failure is filed): each member is the str it stands for, prints as it, and hashes as it, so
that it is a key equal to its word in a dict or a set. The standard library only."""
from enum import Enum


class Word(str, Enum):
    def __str__(self):               # the word, on every Python (3.11 changed an enum's format)
        return self.value

    __hash__ = str.__hash__
