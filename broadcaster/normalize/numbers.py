"""Numbers to Vietnamese words, Northern usage ("nghìn", "linh"), as a radio reader says them.

Pure functions: no lexicon, no regexes over running text. The rule modules decide *which*
reading a number gets (cardinal, digit by digit, month, ordinal); this module only says it.
"""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

#: Digit strings this long are identifiers, not amounts: read them digit by digit.
LONG_DIGITS = 16

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _hundreds(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a zero hundreds digit ("không trăm linh năm")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append("linh")
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(DIGITS[units])
    return words


def _below_billion(n: int, full: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group, n = divmod(n, scale)
        if not group:
            continue
        words += _hundreds(group, full)
        if name:
            words.append(name)
        full = True  # every later group says its zero hundreds
    return words


def number_to_words(n: int) -> str:
    """Read a whole number: 1005 -> "một nghìn không trăm linh năm", 10**12 -> "một nghìn tỷ"."""
    if n < 0:
        return "âm " + number_to_words(-n)
    if n == 0:
        return DIGITS[0]
    billions, rest = divmod(n, 1_000_000_000)
    if not billions:
        return " ".join(_below_billion(rest, full=False))
    words = [number_to_words(billions), "tỷ"]
    if rest:
        words += _below_billion(rest, full=True)
    return " ".join(words)


def read_digits(digits: str) -> str:
    """Each digit on its own, separators skipped: "0912.345" -> "không chín một hai ba bốn năm"."""
    return " ".join(DIGITS[int(c)] for c in digits if c.isdigit())


def read_integer(digits: str) -> str:
    """Read a run of digits as an amount, except runs too long to be one (read digit by digit)."""
    digits = "".join(c for c in digits if c.isdigit())
    if len(digits) >= LONG_DIGITS:
        return read_digits(digits)
    return number_to_words(int(digits))


def read_fraction(digits: str) -> str:
    """The part after "phẩy": short ones as numbers ("25": "hai mươi lăm", "05": "không năm")."""
    if len(digits) > 3:
        return read_digits(digits)
    stripped = digits.lstrip("0")
    zeros = [DIGITS[0]] * (len(digits) - len(stripped))
    return " ".join(zeros + ([number_to_words(int(stripped))] if stripped else []))


_THOUSANDS_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3}){2,}")


def read_number(token: str, *, amount: bool = False) -> str:
    """Read a written Vietnamese number: "20.000.000", "3,5", "0,5", "1.234,5", "4.0".

    Dot groups of exactly three digits are thousands and the comma is the decimal mark.
    Two or more comma groups ("1,000,000") can only be English thousands. Any other dot is
    said "chấm", as in version-like numbers ("4.0"), unless ``amount`` says a unit or a scale
    word follows ("1.5 triệu", "2.5GB"): then it is an English decimal point, said "phẩy".
    """
    if _THOUSANDS_COMMA.fullmatch(token):
        return read_integer(token)
    whole, comma, fraction = token.partition(",")
    if comma and fraction:
        return f"{read_whole(whole)} phẩy {read_fraction(fraction)}"
    return read_whole(whole, point="phẩy" if amount else "chấm")


def read_whole(token: str, point: str = "chấm") -> str:
    """The integer part: thousands dots dropped, any other dot said ``point``."""
    if "." not in token or _THOUSANDS_DOT.fullmatch(token):
        return read_integer(token)
    left, _, right = token.partition(".")
    return f"{read_integer(left)} {point} {read_fraction(right)}"


def read_version(token: str) -> str:
    """ "2.4.1" -> "hai chấm bốn chấm một": each part as a number ("04" as "không bốn")."""
    first, *rest = token.split(".")
    return " chấm ".join([read_integer(first), *(read_fraction(part) for part in rest)])


def is_thousands(token: str) -> bool:
    """ "1.000.000" groups thousands; "2.4.1" and "10.20.30" do not."""
    return bool(_THOUSANDS_DOT.fullmatch(token))


def read_share(numerator: int, denominator: int) -> str:
    """A fraction as announcers say it: "một phần ba"; 4 after "phần" is "tư" ("ba phần tư")."""
    below = "tư" if denominator == 4 else number_to_words(denominator)
    return f"{number_to_words(numerator)} phần {below}"


def roman_to_int(text: str) -> int | None:
    """Value of a well-formed upper-case Roman numeral, or None ("IIII", "IC", "" are not)."""
    if not text or not ROMAN_RE.fullmatch(text):
        return None
    total = 0
    for here, after in zip(text, text[1:] + " ", strict=True):
        value = _ROMAN_VALUES[here]
        total += -value if after != " " and _ROMAN_VALUES[after] > value else value
    return total


def ordinal_words(n: int) -> str:
    """After "thứ": 1 is "nhất" and 4 is "tư" ("thứ nhất", "thứ tư"); the rest are cardinals."""
    return {1: "nhất", 4: "tư"}.get(n) or number_to_words(n)


def month_words(n: int) -> str:
    """After "tháng": 4 is "tư"; 1 stays "một" (not "giêng", which is lunar)."""
    return "tư" if n == 4 else number_to_words(n)
