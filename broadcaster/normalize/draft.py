"""A line being normalised, with finished readings frozen out of reach of later rules.

Rules run one after another over the same line. Once a rule has read something ("0912 345 678"
-> "không chín một hai ..."), no later rule may touch that reading: the abbreviation rule must
not expand letters inside a web address, the number rule must not re-read a date. So each
reading is swapped for one private-use placeholder character; later regexes see it as a single
non-word, non-digit symbol, and :meth:`Draft.render` puts the readings back at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# Private-use code points: the BMP area first, then planes 15 and 16 (~137,000 in all).
_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))

#: Regex class matching one placeholder; rule patterns use it to see frozen neighbours.
HOLE = "[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
_HOLE_RE = re.compile(HOLE)

#: Horizontal space only: no rule may match across a line break.
SP = "[ \t\u00a0]"

# A placeholder at a sentence's start: the line's start or after ". ", "? ", "! ", "… ",
# past opening quotes, brackets and a bullet dash.
_OPENING_RE = re.compile(rf"(?:^|[.!?…][ \t\u00a0]+)[\"'“‘(\[\-–•* \t\u00a0]*(?P<hole>{HOLE})")

Replacer = Callable[[re.Match[str]], str | None]


def _code_points() -> Iterator[int]:
    for low, high in _RANGES:
        yield from range(low, high + 1)


class Draft:
    """One line of text in which finished readings are placeholders."""

    def __init__(self, line: str) -> None:
        self.readings: list[tuple[str, str]] = []  # (reading, kind) per placeholder
        self._free = _code_points()
        self._index: dict[str, int] = {}
        # Private-use characters already in the input are frozen as themselves.
        self.text = _HOLE_RE.sub(lambda m: self.freeze(m.group(), "raw"), line)

    def freeze(self, reading: str, kind: str = "word") -> str:
        """Store a finished reading and return the placeholder that stands for it."""
        char = chr(next(self._free))
        self._index[char] = len(self.readings)
        self.readings.append((reading, kind))
        return char

    def kind(self, char: str) -> str | None:
        """What a placeholder holds ("number", "date", ...), or None for ordinary text."""
        index = self._index.get(char)
        return None if index is None else self.readings[index][1]

    def sub(self, pattern: re.Pattern[str], replace: Replacer) -> None:
        """Replace matches with what ``replace`` returns (usually placeholders); None keeps one."""

        def one(match: re.Match[str]) -> str:
            out = replace(match)
            return match.group() if out is None else out

        self.text = pattern.sub(one, self.text)

    def render(self) -> str:
        """The final line: readings back in place, a space added where one touches a word."""
        text = self.text

        def put_back(match: re.Match[str]) -> str:
            reading, kind = self.readings[self._index[match.group()]]
            if kind == "raw":
                return reading
            start, end = match.start(), match.end()
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if before.isalnum() or before in self._index:
                reading = " " + reading
            if after.isalnum():
                reading += " "
            return reading

        return _HOLE_RE.sub(put_back, text)

    def capitalize_sentence_starts(self) -> None:
        """A reading that opens a sentence opens with a capital: "UBND xã ..." -> "Ủy ban ..."."""
        for match in _OPENING_RE.finditer(self.text):
            index = self._index[match["hole"]]
            reading, kind = self.readings[index]
            if kind != "raw":
                self.readings[index] = (reading[:1].upper() + reading[1:], kind)
