"""Dates and times as a Northern announcer reads them.

"20/01/2023" -> "ngày hai mươi tháng một năm hai nghìn không trăm hai mươi ba", "6h30" -> "sáu giờ
ba mươi phút". Only valid dates are dates: "24/24" and "32/13" are left for the number rule
("hai mươi bốn trên hai mươi bốn"), and "24/7" (round the clock) is a date only after "ngày".
"ngày"/"tháng" are added only when the writer has not already written them.

Day and month joined by a hyphen ("nghỉ Tết từ 28-1 đến 2-2", "hạn chót 15-3") share their
shape with ranges ("từ 5-7 ngày", "lãi 2-3%"), so the hyphen is a date only when the words say
so: right after a day word ("ngày", "mùng", "hạn chót", "hết"), or after a weaker cue ("từ",
"đến", "nghỉ", "và" ...) when the pair cannot be a range (the first number is not smaller) or
a date was just said ("ngày 30-4 và 1-5"). A counted word or a unit right after ("5-7 ngày",
"2-3%") always keeps the range.
"""

from __future__ import annotations

import re

from .draft import HOLE, SP, Draft
from .numbers import month_words, number_to_words, read_integer
from .phones import COUNTED

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_START = r"(?<![\w.,/\-])"
_END = r"(?![\w/]|[.,\-]\d)"

TIME_RE = re.compile(
    rf"{_START}(?P<h>\d{{1,2}})(?:[hHg]|(?P<colon>:))(?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?"
    r"(?:['’′]|(?:p|ph|phút)(?!\w))?(?![\w]|[.,:]\d)"
)
HOUR_RE = re.compile(r"(?<![\w.,:])(?P<h>\d{1,3})[hH](?![\w])")
FULL_DATE_RE = re.compile(
    rf"{_START}(?P<d>\d{{1,2}})(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}}(?=\W|$))"
    rf"{_END}"
)
ISO_DATE_RE = re.compile(rf"{_START}(?P<y>[12]\d{{3}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}){_END}")
DAY_RANGE_RE = re.compile(
    rf"{_START}(?P<d1>\d{{1,2}}){SP}?[-–]{SP}?(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})"
    rf"(?:/(?P<y>\d{{4}}))?{_END}"
)
DAY_MONTH_HYPHEN_RE = re.compile(rf"{_START}(?P<d>\d{{1,2}})-(?P<m>\d{{1,2}}){_END}")
DAY_MONTH_RE = re.compile(rf"{_START}(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}}){_END}")
MONTH_YEAR_RE = re.compile(rf"{_START}(?P<m>\d{{1,2}})/(?P<y>(?:19|20)\d{{2}}){_END}")
MONTH_RE = re.compile(rf"(?P<lead>(?<!\w)(?i:tháng){SP}+)(?P<m>\d{{1,2}})(?![\w/]|[.,]\d)")

_DAY_WRITTEN = re.compile(rf"(?<!\w)(?i:ngày|mùng|mồng|hôm){SP}*:?{SP}*$")
# Before a hyphenated day-month: words that make it a date whatever the numbers...
_HYPHEN_DAY_CUE = re.compile(
    rf"(?<!\w)(?i:ngày|mùng|mồng|hôm|hạn|hạn chót|thời hạn|hết|đến hết|tết|rằm){SP}*:?{SP}*$"
)
# ...and words that do so only when the pair cannot be a range (28-1, 2-2).
_HYPHEN_WEAK_CUE = re.compile(
    rf"(?<!\w)(?i:từ|đến|tới|trước|sau|vào|nghỉ|lễ|sáng|chiều|tối|trưa|đêm|lúc|kể từ|là)"
    rf"{SP}*$"
)
_AFTER_A_DATE = re.compile(rf"(?P<date>{HOLE}){SP}*(?i:đến|tới|và|hoặc){SP}*$")
_UNIT_AFTER = re.compile(r"[%°]|[^\W\d_]")  # "2-3%", "5-7km": touching a unit, not a date
# "2/3 số vụ", "9/10 người": a share of something counted, not a day of a month...
_COUNTED_AFTER = re.compile(
    rf"{SP}+(?i:{COUNTED}|dân số|diện tích|tổng|trong số|các|những|số tiền|tài sản)(?!\w)"
)
# ...unless a word before it speaks of a day ("sáng 2/3 người dân ...").
_DATE_CONTEXT = re.compile(
    rf"(?<!\w)(?i:ngày|mùng|mồng|hôm|sáng|chiều|tối|trưa|đêm|vào|từ|đến|trước|sau|tới|hạn|cuối|"
    rf"đầu|qua|lúc){SP}*$"
)
_MONTH_WRITTEN = re.compile(rf"(?<!\w)(?i:tháng){SP}*:?{SP}*$")
# "giảm 1/3.", "chiếm 2/3": after a word of amount a share stays a share, whatever follows.
_SHARE_BEFORE = re.compile(rf"(?<!\w)(?i:giảm|tăng|chiếm|còn|mất|gần|hơn|gấp){SP}*$")


def valid_date(day: int, month: int) -> bool:
    """A real day of a real month (29/2 allowed: the year may be a leap year)."""
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def read_time(hour: int, minute: int = 0, second: int = 0) -> str:
    """ "sáu giờ ba mươi phút"; whole hours are just "mười bảy giờ"."""
    words = [number_to_words(hour), "giờ"]
    if minute or second:
        words += [number_to_words(minute), "phút"]
    if second:
        words += [number_to_words(second), "giây"]
    return " ".join(words)


def read_date(day: int | None, month: int, year: str | None, *, day_word: bool = True) -> str:
    """ "ngày hai mươi tháng tư năm hai nghìn ..."; ``day_word`` False when "ngày" is written."""
    words = []
    if day is not None:
        words += (["ngày"] if day_word else []) + [number_to_words(day)]
    words += ["tháng", month_words(month)]
    if year:
        words += ["năm", read_year(year)]
    return " ".join(words)


def read_year(year: str) -> str:
    """A four-digit year as a number; a two-digit one ("23") as this century's."""
    return number_to_words(2000 + int(year)) if len(year) == 2 else read_integer(year)


def _day_written(match: re.Match[str]) -> bool:
    return bool(_DAY_WRITTEN.search(match.string, 0, match.start()))


def apply(draft: Draft) -> None:
    """Freeze times, then dates from the most to the least specific shape."""

    def time(match: re.Match[str]) -> str | None:
        hour, minute = int(match["h"]), int(match["m"])
        second = int(match["s"] or 0)
        if hour > 24 or minute > 59 or second > 59:
            return None
        return draft.freeze(read_time(hour, minute, second), "time")

    draft.sub(TIME_RE, time)
    draft.sub(HOUR_RE, lambda m: draft.freeze(read_time(int(m["h"])), "time"))

    def full_date(match: re.Match[str]) -> str | None:
        day, month = int(match["d"]), int(match["m"])
        if not valid_date(day, month) or (
            len(match["y"]) == 2 and match.groupdict().get("sep") != "/"
        ):
            return None
        reading = read_date(day, month, match["y"], day_word=not _day_written(match))
        return draft.freeze(reading, "date")

    draft.sub(FULL_DATE_RE, full_date)
    draft.sub(ISO_DATE_RE, full_date)

    def day_range(match: re.Match[str]) -> str | None:
        first, day, month = int(match["d1"]), int(match["d"]), int(match["m"])
        if not (valid_date(first, month) and valid_date(day, month) and first < day):
            return None
        lead = [] if _day_written(match) else ["ngày"]
        start = " ".join([*lead, number_to_words(first), "đến"])
        return draft.freeze(f"{start} {read_date(day, month, match['y'], day_word=False)}", "date")

    draft.sub(DAY_RANGE_RE, day_range)

    def month_year(match: re.Match[str]) -> str | None:
        month = int(match["m"])
        if not 1 <= month <= 12:
            return None
        reading = read_date(None, month, match["y"])
        if _MONTH_WRITTEN.search(match.string, 0, match.start()):
            reading = reading.removeprefix("tháng ")
        return draft.freeze(reading, "date")

    draft.sub(MONTH_YEAR_RE, month_year)

    def day_month(match: re.Match[str]) -> str | None:
        day, month = int(match["d"]), int(match["m"])
        written = _day_written(match)
        if not valid_date(day, month) or ((day, month) == (24, 7) and not written):
            return None
        before = match.string[: match.start()]
        if _SHARE_BEFORE.search(before):
            return None
        if _COUNTED_AFTER.match(match.string, match.end()) and not _DATE_CONTEXT.search(before):
            return None
        return draft.freeze(read_date(day, month, None, day_word=not written), "date")

    draft.sub(DAY_MONTH_RE, day_month)

    def hyphen_day_month(match: re.Match[str]) -> str | None:
        day, month = int(match["d"]), int(match["m"])
        before, rest = match.string[: match.start()], match.string[match.end() :]
        if not valid_date(day, month) or _UNIT_AFTER.match(rest):
            return None
        if _COUNTED_AFTER.match(rest):
            return None
        after_date = _AFTER_A_DATE.search(before)
        strong = _HYPHEN_DAY_CUE.search(before)
        weak = _HYPHEN_WEAK_CUE.search(before) and day >= month
        if not (strong or weak or (after_date and draft.kind(after_date["date"]) == "date")):
            return None
        return draft.freeze(read_date(day, month, None, day_word=not _day_written(match)), "date")

    draft.sub(DAY_MONTH_HYPHEN_RE, hyphen_day_month)
    draft.sub(DAY_MONTH_HYPHEN_RE, hyphen_day_month)  # again: "ngày 30-4 và 1-5" sees its date

    def month(match: re.Match[str]) -> str | None:
        number = int(match["m"])
        if not 1 <= number <= 12:
            return None
        return match["lead"] + draft.freeze(month_words(number), "date")

    draft.sub(MONTH_RE, month)
