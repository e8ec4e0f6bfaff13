"""Every route x every role: the server enforces the permission table, whatever URL is typed.

The expected answer comes from the table itself (web/permissions.py) and the
station rule, so a new route without a declared permission fails here.
"""

from __future__ import annotations

import re

import pytest

from broadcaster.accounts import Role
from web.permissions import ROLE_ACTIONS, can_use_station

from .conftest import ACCOUNTS

# Values for every URL variable: objects that do not exist, so an allowed
# request ends in a 4xx of its own (never 403) and changes nothing.
ARGUMENTS = {
    "station_id": "co-am",
    "bulletin_id": "khong-co",
    "day": "2026-11-30",
    "position": 1,
    "name": "playlist.m3u8",
    "sha12": "000000000000",
    "job_id": "khong-co",
    "username": "khong-co",
    "token_id": 999,
    "alert_id": 999,
    "campaign_id": "khong-co",
}
PUBLIC = {"static", "auth.login", "auth.logout", "auth.home"}
ROLES = {username: role for username, (_, role, _) in ACCOUNTS.items()}


def panel_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("api."):
            continue  # the API authenticates by station token: tests/panel/test_api.py
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = rule.build({k: v for k, v in ARGUMENTS.items() if k in rule.arguments})[1]
            yield rule.endpoint, method, url


def expected_allowed(app, endpoint: str, username: str) -> bool:
    action = app.view_functions[endpoint].required_action
    role = ROLES[username]
    if endpoint.startswith("station."):
        user = type("U", (), {"role": role, "station_id": ACCOUNTS[username][2]})()
        return can_use_station(user, "co-am", confirm=action == "airing.confirm_own")
    if endpoint == "leaflet.station_pdf":  # any commune's leaflet, or the operator's own
        own = ACCOUNTS[username][2] == "co-am" and "leaflet.print_own" in ROLE_ACTIONS[role]
        return own or "leaflet.print" in ROLE_ACTIONS[role]
    return action in ROLE_ACTIONS[role]


def test_every_panel_route_declares_its_permission(app):
    undeclared = [
        endpoint
        for endpoint, _, _ in panel_routes(app)
        if not getattr(app.view_functions[endpoint], "required_action", None)
    ]
    assert undeclared == []


def test_anonymous_visitors_reach_no_panel_route(app, browser):
    for endpoint, method, url in panel_routes(app):
        response = browser.get(url) if method == "GET" else browser.post(url)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", sorted(ROLES))
def test_role_by_route_matrix(app, as_role, username):
    client = as_role(username)
    wrong = []
    for endpoint, method, url in panel_routes(app):
        response = client.get(url) if method == "GET" else client.post(url)
        allowed = expected_allowed(app, endpoint, username)
        denied = response.status_code == 403
        if allowed == denied or response.status_code >= 500:
            wrong.append((endpoint, method, response.status_code, "allowed" if allowed else "403"))
    assert wrong == [], f"{username} ({ROLES[username].value})"


def test_an_operator_cannot_reach_another_communes_station(as_role):
    other = as_role("xa-tam-cuong")
    for url in (
        "/station/co-am/today",
        "/station/co-am/day/2026-11-30",
        "/station/co-am/day/2026-11-30/files/playlist.zip",
        "/station/co-am/day/2026-11-30/1.mp3",
        "/station/co-am/leaflet.pdf",
    ):
        assert other.get(url).status_code == 403, url
    assert other.post("/station/co-am/day/2026-11-30/1/confirm").status_code == 403


def test_roles_in_the_table_are_the_roles_that_exist():
    assert set(ROLE_ACTIONS) == set(Role)


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_the_menu_leads_to_the_pages_a_role_may_open(as_role, username):
    """Leadership approves warnings with an override: the menu must lead them there."""
    browser = as_role(username)
    page = browser.get("/", follow_redirects=True).get_data(as_text=True)
    menu = re.search(r"<nav>(.*?)</nav>", page, re.S).group(1)
    links = re.findall(r'href="(/[^"]*)"', menu)
    assert links
    for link in links:
        assert browser.get(link).status_code == 200, link
    emergency = "alert.emergency" in ROLE_ACTIONS[ROLES[username]]
    assert ('href="/schedule/emergency">Cảnh báo khẩn</a>' in menu) is emergency
