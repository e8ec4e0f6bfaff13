"""Security headers: no page can be framed (approve, confirm, revoke are one click), no
script but the site's own files runs, and no page of a logged-in user is stored.

The policy forbids inline script, style and event handlers, so every page the panel
renders is checked for them: one left behind would silently stop working in a browser.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from .conftest import ACCOUNTS
from .test_station import DAY, plan

SECURITY = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# Real objects for every URL variable, so that pages render in full.
ARGUMENTS = {
    "station_id": "co-am",
    "bulletin_id": "mo-dau",
    "day": "2026-11-30",
}


@pytest.fixture
def planned(app, panel_runtime):
    plan(panel_runtime)


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def assert_secure(response, url: str) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (url, name)
    csp = policy(response)
    assert csp["frame-ancestors"] == "'none'", url
    assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'", url
    assert csp["style-src"] == "'self'" and csp["object-src"] == "'none'", url
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'", url


def test_every_kind_of_response_carries_the_security_headers(browser, as_role, planned):
    anonymous = [
        ("/login", 200),
        ("/", 302),
        ("/khong-co-trang-nay", 404),
        ("/static/panel.css", 200),
        ("/api/v1/stations/co-am/playlist", 401),
    ]
    for url, status in anonymous:
        response = browser.get(url)
        assert response.status_code == status, url
        assert_secure(response, url)
    for username, url in [
        ("canbo", "/content/"),
        ("canbo", "/content/mo-dau"),
        ("xa-co-am", DAY),
        ("lanhdao", "/reports/"),
        ("quantri", "/admin/tokens"),
        ("xa-co-am", "/reports/"),  # 403
    ]:
        assert_secure(as_role(username).get(url), url)


def test_no_page_is_stored_but_the_static_files_may_be(browser, as_role, planned):
    for response in [
        browser.get("/login"),
        browser.post("/login", {"username": "canbo", "password": "sai-mat-khau"}),
        as_role("canbo").get("/content/"),
        as_role("xa-co-am").get(DAY),
        as_role("lanhdao").get("/reports/export/airings.csv?from=2026-11-01&to=2026-11-30"),
    ]:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    static = browser.get("/static/panel.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    audio = as_role("xa-co-am").get(f"{DAY}/3.mp3")  # replayed on a phone: kept, privately
    assert "private" in audio.headers["Cache-Control"]


class Inline(HTMLParser):
    """Everything on a page that a strict policy blocks: inline script and style,
    event-handler attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def pages(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.endpoint.startswith("api.") or set(rule.arguments) - set(ARGUMENTS):
            continue  # JSON, or files (audio, downloads)
        yield rule.build({k: v for k, v in ARGUMENTS.items() if k in rule.arguments})[1]


def test_no_page_needs_inline_script_or_style(app, browser, as_role, planned):
    visitors = {"": browser} | {username: as_role(username) for username in ACCOUNTS}
    seen = 0
    offending = {}
    for username, visitor in visitors.items():
        for url in [*pages(app), "/khong-co-trang-nay"]:
            response = visitor.get(url)
            if response.mimetype != "text/html":
                continue
            seen += 1
            parser = Inline()
            parser.feed(response.get_data(as_text=True))
            if parser.found:
                offending[f"{username or 'anonymous'} {url}"] = sorted(set(parser.found))
    assert offending == {}
    assert seen > 40  # every role's pages were looked at, not just redirects


def test_the_printable_schedule_keeps_its_own_style_and_runs_nothing(as_role, planned):
    response = as_role("xa-co-am").get(f"{DAY}/files/lich-phat.html")
    assert response.status_code == 200 and "<style>" in response.get_data(as_text=True)
    csp = policy(response)
    assert csp["default-src"] == "'none'" and "script-src" not in csp
    assert csp["style-src"] == "'unsafe-inline'" and csp["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
