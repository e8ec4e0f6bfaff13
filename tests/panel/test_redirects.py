"""Post/Redirect/Get: every POST of the panel answers with a redirect, done or refused.

A page that answers a POST with HTML is sent again by a reload ("gửi lại biểu
mẫu?") and keeps the form's address. The POST routes are listed from
``app.url_map``, so a new one is checked as soon as it lands: posted empty (a
refusal: nothing filled in) by a role allowed to use it; the known ones also
with a form that succeeds and one that the rules refuse.
"""

# ruff: noqa: F811 (the fixtures imported from other test modules are arguments here)
from __future__ import annotations

import shutil

import pytest
from flask import session

from broadcaster.accounts import Role
from web import kept_form
from web.permissions import ROLE_ACTIONS

from .conftest import ACCOUNTS, NOW
from .test_browser_story import PHONE, chromium, log_in, server  # noqa: F401 (fixtures)
from .test_every_page import F14, lived_in  # noqa: F401 (fixture)

REDIRECTS = {302, 303}
TODAY = NOW.date().isoformat()
DAY = f"/station/co-am/day/{TODAY}"

# Answering differently by design, with the reason.
BY_DESIGN = {
    "content.preview": "JSON for the editor's live preview: reads, changes nothing",
    "content.upload": "a file upload: a refusal shows the page again, the browser cannot "
    "keep the chosen file across a redirect anyway",
    "auth.login": "a refused login answers 401 with the form (and 429 when throttled): "
    "nothing is stored, and the password is not put in the session to survive a redirect",
    "admin.issue_token": "shows the new token's secret once, on the answer itself: it is "
    "not kept anywhere to be shown after a redirect",
}


def follow_refusal(client, url: str, data: dict | None = None, *, status: int = 303) -> str:
    """POST a form the rules refuse: it answers a redirect, and the page it leads to (the
    form's own page, scrolled to the field) says why; returns that page's HTML."""
    response = client.post(url, data)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return page.get_data(as_text=True)


# Not refusals: a request the panel's own forms never send (no such object, a
# button's value missing) gets its error page.
NOT_A_REFUSAL = {400, 404}


def post_rules(app) -> list:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.endpoint.startswith("api.")
        ),
        key=lambda rule: rule.endpoint,
    )


def allowed_user(app, endpoint: str) -> str:
    """A username whose role may use ``endpoint`` (the commune's operator for its station)."""
    action = getattr(app.view_functions[endpoint], "required_action", None)
    if endpoint.startswith("station.") or action is None:
        return "xa-co-am"
    for username, (_, role, _) in ACCOUNTS.items():
        if action in ROLE_ACTIONS[Role(role)]:
            return username
    raise AssertionError(f"no account may use {endpoint}")


def url_for_rule(rule, arguments: dict) -> str:
    missing = rule.arguments - set(arguments)
    assert not missing, f"{rule.endpoint}: add a value for {missing} to lived_in()"
    return rule.build({k: v for k, v in arguments.items() if k in rule.arguments})[1]


def test_the_by_design_list_names_routes_that_exist(app):
    endpoints = {rule.endpoint for rule in post_rules(app)}
    assert set(BY_DESIGN) <= endpoints


def refused_when_empty(app, as_role, arguments) -> list[tuple[str, int]]:
    answered = []
    for rule in post_rules(app):
        if rule.endpoint in BY_DESIGN or rule.endpoint == "auth.logout":
            continue
        client = as_role(allowed_user(app, rule.endpoint))
        response = client.post(url_for_rule(rule, arguments), {})
        answered.append((rule.endpoint, response.status_code))
    return answered


def test_every_post_posted_empty_is_refused_with_a_redirect(app, as_role, lived_in):
    answered = refused_when_empty(app, as_role, lived_in)
    wrong = [
        (endpoint, status)
        for endpoint, status in answered
        if status not in REDIRECTS | NOT_A_REFUSAL
    ]
    assert wrong == [], "\n".join(f"{endpoint}: {status}" for endpoint, status in wrong)


# endpoint -> (username, url, form that succeeds, form the rules refuse)
def cases(arguments: dict, runtime) -> dict:
    sha = runtime.renders()[F14].sha256
    started = {"outcome": "aired", "started_date": "30/11/2026"}
    return {
        "auth.logout": ("canbo", "/logout", {}, None),
        "station.confirm": (
            "xa-co-am",
            f"{DAY}/1/confirm",
            {**started, "started_time": "06:31"},
            {**started, "started_time": "23:59"},  # not yet
        ),
        "content.decide": (
            "canbo",
            f"/content/{F14}/decision",
            {"verdict": "reject", "sha256": sha, "comment": "Giọng đọc chưa rõ"},
            {"verdict": "approve", "sha256": "0" * 64},  # not the audio on the page
        ),
        "content.lexicon_save": (
            "canbo",
            "/content/lexicon",
            {"key": "UBND", "say": "ủy ban nhân dân", "sample": "", "action": "save"},
            {"key": "", "say": "", "sample": "", "action": "save"},
        ),
        "content.lexicon_remove": ("canbo", "/content/lexicon/remove", None, {"key": "KHONGCO"}),
        "admin.add_user": (
            "quantri",
            "/admin/users",
            {
                "username": "xa-moi",
                "full_name": "Nguyễn Thị Mới",
                "password": "mot-mat-khau-dai-va-la",
                "role": "operator",
                "station_id": "co-am",
            },
            {"username": "xa-moi-2", "full_name": "", "password": "123", "role": "operator"},
        ),
        "admin.set_active": (
            "quantri",
            "/admin/users/quantri/active",
            {"active": "1"},
            {"active": "0"},  # an admin cannot lock themselves out
        ),
        "admin.reset_password": (
            "quantri",
            "/admin/users/xa-tam-cuong/password",
            {"password": "mot-mat-khau-moi-dai"},
            {"password": "12345678"},
        ),
        "admin.revoke_token": (
            "quantri",
            f"/admin/tokens/{arguments['token_id']}/revoke",
            {},
            None,
        ),
        "schedule.regenerate": (
            "canbo",
            "/schedule/plan",
            {"date": "01/12/2026", "days": "1"},
            {"date": "01/12/2026", "days": "0"},
        ),
        "schedule.withdraw_alert": (
            "canbo",
            f"/schedule/alert/{arguments['alert_id']}/withdraw",
            {"reason": "Đã hết nguy cơ"},
            {"reason": ""},  # a withdrawal says why
        ),
    }


def test_known_posts_redirect_when_done_and_when_refused(app, as_role, lived_in, panel_runtime):
    wrong = []
    for endpoint, (username, url, done, refused) in cases(lived_in, panel_runtime).items():
        client = as_role(username)
        for what, form in (("done", done), ("refused", refused)):
            if form is None:
                continue
            response = client.post(url, form)
            status = response.status_code
            if status not in REDIRECTS:
                wrong.append((endpoint, what, status, response.get_data(as_text=True)[:200]))
    assert wrong == [], "\n".join(map(str, wrong))


def test_a_refusal_that_redirects_still_says_why_at_the_top(as_role, lived_in):
    """The redirect is not a silent one: the next page names what was refused."""
    operator = as_role("xa-co-am")
    data = {"outcome": "aired", "started_date": "30/11/2026", "started_time": "23:59"}
    response = operator.post(f"{DAY}/1/confirm", data)
    assert response.status_code in REDIRECTS
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash error"' in page or 'role="alert"' in page


def test_a_refusal_keeps_what_was_typed_but_never_a_password_and_is_shown_once(app, panel_runtime):
    body = "Bà con chú ý: không chuyển tiền cho người lạ. " * 80  # too long for the cookie
    form = {"title": "Tin mới", "body": body, "password": "bi-mat-123", "csrf_token": "t"}
    with app.test_request_context("/content/mo-dau", method="POST"):
        response = kept_form.refuse("/content/mo-dau", "Sai", field="title", form=form, anchor="x")
        assert (response.status_code, response.headers["Location"]) == (303, "/content/mo-dau#x")
        stored = dict(session[kept_form.KEY])
        assert "bi-mat-123" not in repr(stored) and '"t"' not in repr(stored)
        assert body not in repr(stored)  # in a file under the data directory instead
        (kept_file,) = panel_runtime.paths.kept_forms.iterdir()
        assert kept_form.take("/content/other") == kept_form.Kept()  # another page's: left
        kept = kept_form.take("/content/mo-dau")
        assert kept.form == {"title": "Tin mới", "body": body}
        assert kept.errors == ["Sai"] and kept.first("title") == "Sai"
        assert not kept_file.exists() and kept_form.KEY not in session
        assert not kept_form.take("/content/mo-dau")  # once


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_a_refused_bulletin_edit_on_a_phone_shows_why_on_the_first_screen(
    server, chromium, tmp_path
):
    """Refused: the page comes back by a redirect, scrolled to the field at fault, with
    everything typed (a long body too); a reload sends nothing and the message is gone."""
    errors: list[str] = []
    staff = log_in(chromium, server, "canbo", errors)  # 390 x 844
    staff.goto(f"{server}/content/mo-dau")
    body = " ".join(f"Câu thứ {n}: bà con không bấm đường dẫn lạ." for n in range(1, 60))
    staff.fill("textarea[name=body]", body)
    staff.fill("input[name=stations]", "co-am, khong-co-dai")
    staff.click("#sua button[name=action][value=save]")
    staff.wait_for_load_state()

    assert staff.url == f"{server}/content/mo-dau#nhap-stations"
    error = staff.locator("#loi-stations")
    box = error.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert "Không có đài mang mã: khong-co-dai." in error.inner_text()
    assert "khong-co-dai" in staff.locator(".flash.error.errors").inner_text()  # and the top
    assert staff.input_value("input[name=stations]") == "co-am, khong-co-dai"
    assert staff.input_value("textarea[name=body]") == body
    staff.screenshot(path=str(tmp_path / "bulletin-edit-refused.png"))

    sent: list[str] = []
    staff.on("request", lambda request: sent.append(request.method))
    staff.reload()
    staff.wait_for_load_state()
    assert "POST" not in sent and sent[0] == "GET"  # nothing sent again ("gửi lại biểu mẫu?")
    assert staff.locator("#loi-stations").count() == 0  # said once
    assert errors == []
