"""Ordinals ("thứ 2" -> "thứ hai", "lần thứ 1" -> "lần thứ nhất") and Roman numerals.

Roman numerals are read only after a word that numbers things with them ("quý III", "thế kỷ
XXI", "Chương IV", "Đại hội XIII"): anywhere else "I", "V" or "X" is a letter or a word.
They are limited to I, V and X (1 to 39), which covers every such use in a bulletin and keeps
"phần C" or "mục D" as letters.
"""

from __future__ import annotations

import re

from .draft import SP, Draft
from .numbers import number_to_words, ordinal_words, roman_to_int

ORDINAL_RE = re.compile(rf"(?P<lead>(?<!\w)(?i:thứ){SP}+)(?P<n>\d{{1,3}})(?![\w/]|[.,]\d)")
_ROMAN_CUES = (
    "thế kỷ|thế kỉ|quý|chương|khóa|khoá|phần|mục|lần thứ|lần|đợt|giai đoạn|học kỳ|học kì|kỳ|kì|"
    "tập|đại hội|hội nghị|phụ lục|bài|tiết|thứ|phiên|quân khu|kỳ họp thứ|kỳ họp"
)
ROMAN_RE = re.compile(
    rf"(?P<lead>(?<!\w)(?P<cue>(?i:{_ROMAN_CUES})){SP}+)(?P<roman>[IVX]+)"
    r"(?:/(?P<year>[12]\d{3}))?(?![\w/])"
)
# "quý 1/2023": a quarter and its year, not January 2023.
QUARTER_RE = re.compile(
    rf"(?P<lead>(?<!\w)(?i:quý|học kỳ|học kì){SP}+)(?P<n>[1-4])/(?P<year>[12]\d{{3}})(?![\w/])"
)


def apply(draft: Draft) -> None:
    """Freeze Roman numerals after their cue words, quarters with a year, and "thứ N"."""

    def roman(match: re.Match[str]) -> str | None:
        value = roman_to_int(match["roman"])
        if value is None:
            return None
        after_thu = match["cue"].lower().endswith("thứ")
        reading = ordinal_words(value) if after_thu else number_to_words(value)
        if match["year"]:
            reading += " năm " + number_to_words(int(match["year"]))
        return match["lead"] + draft.freeze(reading, "ordinal")

    draft.sub(ROMAN_RE, roman)
    draft.sub(
        QUARTER_RE,
        lambda m: (
            m["lead"]
            + draft.freeze(
                f"{number_to_words(int(m['n']))} năm {number_to_words(int(m['year']))}", "date"
            )
        ),
    )
    draft.sub(ORDINAL_RE, lambda m: m["lead"] + draft.freeze(ordinal_words(int(m["n"])), "ordinal"))
