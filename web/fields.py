"""Dates and times as Vietnamese users type them: ``30/11/2026`` and ``06:31`` (24-hour).

Browsers draw ``<input type="date">`` and ``datetime-local`` in the browser's
language (``12/04/2026, 05:31 AM`` on an English phone), so the panel uses plain
text fields (see ``templates/_fields.html``) and reads them here. ISO dates are
still accepted: links, old bookmarks and the API's callers use them.
"""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^(\d{1,2})\s*[:hg.]\s*(\d{2})$", re.IGNORECASE)


def parse_date(text: str | None) -> dt.date | None:
    """``30/11/2026``, ``1/2/2026`` or ISO ``2026-11-30``; None if it is not a real date."""
    text = (text or "").strip()
    try:
        if _ISO.match(text):
            return dt.date.fromisoformat(text)
        found = _DATE.match(text)
        if found:
            day, month, year = map(int, found.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def parse_clock(text: str | None) -> dt.time | None:
    """``06:31``, ``6:31``, ``6h31`` (24-hour); None if it is not a time of day."""
    found = _CLOCK.match((text or "").strip())
    if not found:
        return None
    hour, minute = map(int, found.groups())
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def date_text(day: dt.date | None) -> str:
    return "" if day is None else f"{day:%d/%m/%Y}"


def slashed(text: str | None) -> str | None:
    """``30.11.2026`` (a phone's digit keyboard) as ``30/11/2026``; other text unchanged."""
    if text and _DATE.match(text.strip()):
        return text.strip().replace(".", "/")
    return text
