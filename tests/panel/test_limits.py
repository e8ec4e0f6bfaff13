"""Bounds on what a request may carry: an overlong id names nothing, a nested body is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster.accounts import tokens
from broadcaster.library import editing
from web import limits

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
LONG = "a" * 300  # longer than a file name may be: it once reached the file system, a 500

ROUTES = [  # (who, method, url): every route that takes an id, a token or a file name
    ("canbo", "get", f"/content/{LONG}"),
    ("canbo", "post", f"/content/{LONG}"),
    ("canbo", "post", f"/content/{LONG}/render"),
    ("canbo", "post", f"/content/{LONG}/decision"),
    ("canbo", "post", f"/content/{LONG}/recording"),
    ("canbo", "post", f"/content/{LONG}/recording/remove"),
    ("canbo", "get", f"/content/{LONG}/audio/0123456789ab.mp3"),
    ("canbo", "get", f"/content/mo-dau/audio/{LONG}.mp3"),
    ("canbo", "get", f"/content/jobs/{LONG}"),
    ("xa-co-am", "get", f"/station/{LONG}/today"),
    ("xa-co-am", "get", f"/station/co-am/day/{LONG}"),
    ("xa-co-am", "get", f"/station/co-am/day/2026-11-30/files/{LONG}"),
    ("lanhdao", "get", f"/reports/station/{LONG}"),
    ("quantri", "post", f"/admin/users/{LONG}/active"),
    ("quantri", "post", f"/admin/users/{LONG}/password"),
]


@pytest.mark.parametrize(("username", "method", "url"), ROUTES, ids=[r[2][:40] for r in ROUTES])
def test_an_overlong_id_names_nothing(as_role, username, method, url):
    response = getattr(as_role(username), method)(url)
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [f"/stations/{LONG}/playlist", f"/stations/co-am/files/{LONG}"])
def test_the_api_answers_an_overlong_id_in_its_own_format(app, panel_runtime, url):
    secret = tokens.issue(panel_runtime.engine, "co-am", by="quantri", now=NOW).secret
    response = app.test_client().get(f"/api/v1{url}", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 404 and "error" in response.get_json()


def test_an_id_too_long_for_the_file_system_is_no_bulletin(library_copy):
    """The root cause of the 500: the path was asked about, and the OS refused the name."""
    assert editing.bulletin_file(library_copy, LONG) is None
    assert editing.bulletin_file(library_copy, "mo-dau") == library_copy / "mo-dau.yaml"


def test_the_live_preview_refuses_deeply_nested_json(as_role):
    staff = as_role("canbo")
    token = staff.csrf()
    nested = '{"body": ' + "[" * 5000 + "]" * 5000 + "}"
    response = staff.client.post(
        "/content/preview",
        data=nested,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert response.get_json() == {"error": "Nội dung JSON lồng nhau quá sâu (tối đa 20 cấp)."}


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('{"a": "[[[[{{{{"}', 1),  # brackets in a string are text
        (r'{"a": "\"[[[", "b": [[]]}', 3),  # so are escaped quotes
        ("7", 0),
    ],
)
def test_nesting_is_counted_outside_strings(text, depth):
    assert limits.nesting(text) == depth
