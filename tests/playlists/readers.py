"""Small readers for what the writer produces, as a player or a phone would read it."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from icalendar import Calendar, Event, vDDDTypes


def parse_m3u8(text: str) -> list[tuple[int, str, str]]:
    """(seconds, title, file) per entry, as a player reads them: comments skipped."""
    entries, pending = [], None
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            seconds, _, title = line.removeprefix("#EXTINF:").partition(",")
            pending = (int(seconds), title)
        elif line and not line.startswith("#"):
            entries.append((*pending, line))
            pending = None
    return entries


def read_calendar(octets: bytes) -> Calendar:
    """The .ics file as a phone reads it (icalendar's parser), with nothing it had to skip."""
    calendar = Calendar.from_ical(octets)
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    return calendar


def events(octets: bytes) -> list[Event]:
    """The VEVENTs; an event's own properties leave its alarm's out, values are unescaped."""
    return read_calendar(octets).events


def utc(prop: vDDDTypes) -> dt.datetime:
    """A DATE-TIME property's value, which must be in UTC (``...Z``): no TZID, not floating."""
    assert "TZID" not in prop.params
    assert isinstance(prop.dt, dt.datetime) and prop.dt.utcoffset() == dt.timedelta(0)
    assert prop.to_ical().endswith(b"Z")
    return prop.dt


class Page(HTMLParser):
    """Just enough of the page: tags seen, text per table row, the html tag's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.setdefault(tag, dict(attrs))
        if tag not in ("meta", "br"):
            self.open.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()
        if tag in ("td", "th"):
            self.rows[-1].append("".join(self._cell or []).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_html(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.open == [], f"unclosed: {page.open}"
    return page
