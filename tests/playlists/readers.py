"""Small readers for what the writer produces, as a player or a phone would read it."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser


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


def unfold(octets: bytes) -> list[str]:
    """Content lines: a CRLF followed by a space or tab continues the line (RFC 5545 3.1)."""
    assert octets.endswith(b"\r\n")
    return octets.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def events(octets: bytes) -> list[dict[str, str]]:
    """Each VEVENT's own properties (the alarm's left out), values unescaped."""
    found, current, depth = [], None, 0
    for line in unfold(octets):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current, depth = {}, 0
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        elif current is not None and depth == 0:
            current[name] = unescape(value)
    return found


def utc(value: str) -> dt.datetime:
    assert value.endswith("Z")
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


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
