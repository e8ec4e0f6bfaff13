"""Amounts: money, units and percentages, plain numbers, and the symbols between numbers.

Vietnamese writes "20.000.000" (dot = thousands) and "3,5" (comma = decimal); an engine that
reads them the English way says nonsense. Units are read only right after a number ("5km",
"30%", "500.000đ"), so a lone "m" or "k" in a sentence is never touched. Symbols are read only
between or beside numbers: "3-5 triệu" = "ba đến năm triệu", "24/24" = "hai mươi bốn trên hai
mươi bốn", "18+" = "mười tám cộng", "~5" = "khoảng năm".

Two shapes are not amounts. Several dots that do not group thousands are a version or an
address ("phiên bản 2.4.1" = "hai chấm bốn chấm một"; "1.000.000" stays one million), and
after "phiên bản", "version" or an operating system any dotted number is one ("iOS 17.400").
A slash between a smaller and a larger number that no earlier rule took for a date is a share,
read with "phần" ("1/3" = "một phần ba", "3/4 dân số" = "ba phần tư dân số"), except in
house numbers and scores ("số nhà 2/15", "đạt 8/10 điểm"); the larger first ("24/7") stays a
ratio, "hai mươi bốn trên bảy".
"""

from __future__ import annotations

import re

from .draft import HOLE, SP, Draft, Replacer
from .lexicon import Lexicon, alternation
from .numbers import (
    is_thousands,
    number_to_words,
    read_integer,
    read_number,
    read_share,
    read_version,
)
from .phones import COUNTED

NUMBER = (
    r"(?:\d{1,3}(?:\.\d{3})+(?!\d)(?:,\d+)?"  # 20.000.000 and 1.234,5
    r"|\d{1,3}(?:,\d{3}){2,}(?!\d)"  # 1,000,000 (only English thousands have two commas)
    r"|\d+(?:,\d+|\.\d{1,2}(?!\d))?)"  # 41, 3,5, 4.0
)
# "20 000 000 đồng": spaces as thousands separators, trusted only before a unit or a noun.
SPACED = r"\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)"
_START = r"(?<![\w.,])"
NUMBER_RE = re.compile(rf"{_START}{NUMBER}")
SPACED_COUNT_RE = re.compile(rf"{_START}{SPACED}(?={SP}+(?i:{COUNTED})(?!\w))")
_SCALE_AFTER = re.compile(rf"{SP}*(?i:triệu|tỷ|tỉ|nghìn|ngàn|trăm)(?!\w)")
DIGITS_RE = re.compile(r"\d+")
# "1tr5" = 1.500.000, "2k5" = 2.500: informal amounts in messages quoted by bulletins.
SHORT_AMOUNT_RE = re.compile(rf"{_START}(?P<a>\d{{1,3}})(?P<unit>tr|TR|k|K)(?P<b>\d{{1,3}})(?!\w)")
DOLLAR_RE = re.compile(rf"(?<!\w)(?:US)?\${SP}?(?P<num>{NUMBER})")
TIMES_RE = re.compile(r"(?<![^\W\d_])[xX](?=\d+(?!\w))")
LETTER_HYPHEN_RE = re.compile(r"(?<=[^\W\d_])-(?=\d)")

VERSION_RE = re.compile(rf"{_START}\d+(?:\.\d+){{2,}}(?![\w]|[.,]\d)")
_VERSION_CUE = re.compile(
    rf"(?<!\w)(?i:phiên bản|bản cập nhật|version|ver\.?|v|ios|android|windows|firmware)"
    rf"{SP}*$"
)
CUED_VERSION_RE = re.compile(rf"{_START}\d+(?:\.\d+)+(?![\w]|[.,]\d)")
SHARE_RE = re.compile(r"(?<![\w.,/\-])(?P<a>\d{1,3})/(?P<b>\d{1,4})(?![\w/]|[.,]\d)")
# After these a slash numbers a house or a score: "số nhà 2/15", "đạt 8/10 điểm".
_NOT_SHARE_BEFORE = re.compile(
    rf"(?<!\w)(?i:số|nhà|ngõ|ngách|hẻm|kiệt|phòng|lô|tổ|đạt|được|điểm|tỷ số|tỉ số|lớp){SP}*$"
)

_NUMERIC = {"number", "money", "date", "time", "ordinal"}
RANGE_RE = re.compile(
    rf"(?P<a>{HOLE}){SP}*[-–—]{SP}*(?=(?:(?i:ngày|tháng|năm|quý|thứ){SP}+)?(?P<b>{HOLE}))"
)
SLASH_RE = re.compile(rf"(?P<a>{HOLE})/(?=(?P<b>{HOLE}))")  # "24/24", "CMND/CCCD"
PER_RE = re.compile(
    rf"(?P<a>{HOLE}(?:{SP}+[^\W\d_]+){{0,2}})/(?=(?P<b>{HOLE})|(?i:ngày|tháng|năm|tuần|giờ|"
    r"phút|giây|người|lần|hộ|ca|buổi|suất|lượt|tin|cuộc|kỳ|tài khoản|khách|sản phẩm|đơn|vé|"
    r"chiếc|cái|gói|bản|lít|tấn|sào|ha|kg|km)(?!\w))"
)
EQUALS_RE = re.compile(rf"(?P<a>{HOLE}){SP}*={SP}*(?=(?P<b>{HOLE}))")
MINUS_RE = re.compile(rf"(?<=[ (])-(?=(?P<b>{HOLE}))")  # "(-10%)", "-5°C"; not a line-start bullet
ABOUT_RE = re.compile(rf"(?<!\w)~{SP}*(?=(?P<b>{HOLE}))")
PLUS_RE = re.compile(rf"(?P<a>{HOLE}){SP}*\+(?:{SP}*(?=(?P<b>{HOLE}))|(?![\w+]))")
AND_RE = re.compile(rf"{SP}*&{SP}*")


def _unit_re(lexicon: Lexicon) -> re.Pattern[str]:
    units = alternation(list(lexicon.units))
    return re.compile(rf"{_START}(?P<num>{SPACED}|{NUMBER})(?P<sp>{SP}?)(?P<unit>{units})")


def read_amount(number: str, unit: str | None, lexicon: Lexicon) -> str:
    """A number and its unit: ("500.000", "đ") -> "năm trăm nghìn đồng"."""
    if unit in {"$", "USD", "usd"} and re.fullmatch(r"\d{1,3}(?:,\d{3})+", number):
        words = read_integer(number)  # "$1,000": dollar amounts use English commas
    else:
        words = read_number(number, amount=True)
    return f"{words} {lexicon.units[unit]}" if unit else words


def apply_amounts(draft: Draft, lexicon: Lexicon) -> None:
    """Freeze informal amounts, dollar amounts and number + unit pairs."""

    def short(match: re.Match[str]) -> str:
        scale = 1_000_000 if match["unit"].lower() == "tr" else 1_000
        tail = match["b"]
        value = int(match["a"]) * scale + int(tail) * scale // 10 ** len(tail)
        return draft.freeze(number_to_words(value), "money")

    draft.sub(SHORT_AMOUNT_RE, short)
    draft.sub(DOLLAR_RE, lambda m: draft.freeze(read_amount(m["num"], "$", lexicon), "money"))
    draft.sub(
        lexicon.compiled("quantities.units", _unit_re),
        lambda m: draft.freeze(read_amount(m["num"], m["unit"], lexicon), "money"),
    )


def apply_numbers(draft: Draft) -> None:
    """Freeze every number left, then read the symbols between numbers."""
    draft.sub(TIMES_RE, lambda m: draft.freeze("nhân", "word"))
    draft.sub(LETTER_HYPHEN_RE, lambda m: " ")  # "COVID-19" -> "COVID mười chín"
    draft.sub(SPACED_COUNT_RE, lambda m: draft.freeze(read_integer(m.group()), "number"))

    def version(match: re.Match[str]) -> str | None:
        cued = _VERSION_CUE.search(match.string, 0, match.start())
        if not cued and (match.re is CUED_VERSION_RE or is_thousands(match.group())):
            return None
        return draft.freeze(read_version(match.group()), "number")

    draft.sub(CUED_VERSION_RE, version)
    draft.sub(VERSION_RE, version)

    def share(match: re.Match[str]) -> str | None:
        numerator, denominator = int(match["a"]), int(match["b"])
        if not 0 < numerator < denominator or _NOT_SHARE_BEFORE.search(
            match.string, 0, match.start()
        ):
            return None
        return draft.freeze(read_share(numerator, denominator), "number")

    draft.sub(SHARE_RE, share)

    def number(match: re.Match[str]) -> str:
        amount = bool(_SCALE_AFTER.match(match.string, match.end()))
        return draft.freeze(read_number(match.group(), amount=amount), "number")

    draft.sub(NUMBER_RE, number)
    draft.sub(DIGITS_RE, lambda m: draft.freeze(read_integer(m.group()), "number"))

    def numeric(*chars: str | None) -> bool:
        return all(draft.kind(c) in _NUMERIC for c in chars if c is not None)

    def between(word: str) -> Replacer:
        def replace(match: re.Match[str]) -> str | None:
            if not numeric(match["a"], match["b"]):
                return None
            return f"{match['a']} {word} "

        return replace

    draft.sub(RANGE_RE, between("đến"))

    def slash(match: re.Match[str]) -> str | None:
        if numeric(match["a"], match["b"]):
            return f"{match['a']} trên "
        if draft.kind(match["a"]) == draft.kind(match["b"]) == "word":
            return f"{match['a']} hoặc "  # two abbreviations: "CMND/CCCD"
        return None

    draft.sub(SLASH_RE, slash)
    draft.sub(MINUS_RE, lambda m: "âm " if numeric(m["b"]) else None)
    draft.sub(EQUALS_RE, between("bằng"))

    def per(match: re.Match[str]) -> str | None:
        if not numeric(match["a"][0]) or (match["b"] and draft.kind(match["b"]) != "word"):
            return None
        return f"{match['a']} mỗi "

    draft.sub(PER_RE, per)
    draft.sub(ABOUT_RE, lambda m: "khoảng " if numeric(m["b"]) else None)

    def plus(match: re.Match[str]) -> str | None:
        if not numeric(match["a"], match["b"]):
            return None
        return f"{match['a']} cộng" + (" " if match["b"] else "")

    draft.sub(PLUS_RE, plus)
    draft.sub(AND_RE, lambda m: " và ")
