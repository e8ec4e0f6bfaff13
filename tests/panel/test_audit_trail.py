"""The activity log as staff and admins read it: Vietnamese actions, full names, open links."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from broadcaster import accounts, audit
from broadcaster.accounts import Role
from broadcaster.approval import Verdict
from broadcaster.approval.review import review
from web.content.text import ACTION_LABELS

from .conftest import ACCOUNTS, NOW, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
# a line that writes to the trail, or picks the action it writes
WRITES = re.compile(r'audit\.Entry\(|_audit\(|\baction = |return "approve"')
CODE = re.compile(r'(?<!\[)"([a-z][a-z_]*)"')  # not form["key"]


def written_actions() -> set[str]:
    """Every action code the package and the panel can write, read from their source."""
    found: set[str] = set()
    for path in [*ROOT.joinpath("broadcaster").rglob("*.py"), *ROOT.joinpath("web").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        if "audit" not in source:
            continue
        for line in source.splitlines():
            if WRITES.search(line):
                found |= set(CODE.findall(line))
    return found - {"audit"}


def test_every_action_the_package_can_write_has_a_vietnamese_label():
    actions = written_actions()
    assert {"plan", "confirm", "correct", "alert", "issue_token", "login"} <= actions  # it reads
    missing = sorted(actions - set(ACTION_LABELS))
    assert missing == [], f"actions without a Vietnamese label: {missing}"
    for action, label in ACTION_LABELS.items():
        assert label != action and not re.fullmatch(r"[a-z_]+", label), action


def test_the_log_shows_labels_and_full_names(as_role, panel_runtime):
    for action in ("plan", "confirm", "issue_token", "alert"):
        audit.log(panel_runtime.engine, audit.Entry(NOW, "canbo", action, target="co-am"))
    page = as_role("canbo2").get("/audit/").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    for action in ("plan", "confirm", "issue_token", "alert"):
        assert f'<td data-label="Thao tác">{ACTION_LABELS[action]}</td>' in table
        assert f">{action}</td>" not in table
    assert ACCOUNTS["canbo"][0] in table and ">canbo</td>" not in table


def test_the_admins_log_page_links_only_to_pages_an_admin_may_open(as_role, panel_runtime):
    audit.log(panel_runtime.engine, audit.Entry(NOW, "quantri", "add_user", target="canbo"))
    admin = as_role("quantri")
    page = admin.get("/audit/").get_data(as_text=True)
    main = page[page.index("<main>") :]
    links = set(re.findall(r'href="(/[^"#]*)"', main))
    assert links
    for link in links:
        assert admin.get(link).status_code == 200, link


def test_the_header_names_the_role_once(app, panel_runtime, browser):
    accounts.add_user(
        panel_runtime.engine,
        username="demo-canbo",
        full_name="Cán bộ Trung tâm (demo)",
        password=PASSWORD,
        role=Role.STAFF,
        station_id=None,
        now=NOW,
    )
    browser.login("demo-canbo")
    page = browser.get("/content/").get_data(as_text=True)
    who = re.search(r'<span class="who">([^<]*)</span>', page).group(1)
    assert who == "Cán bộ Trung tâm (demo)"
    browser.post("/logout")
    browser.login("canbo")
    page = browser.get("/content/").get_data(as_text=True)
    who = re.search(r'<span class="who">([^<]*)</span>', page).group(1)
    assert who == "Trần Thị Biên (Cán bộ Trung tâm)"  # a person's name: the role helps


def visible(page: str) -> str:
    """The words a person reads: tags (and the tooltips and values inside them) dropped."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_log_names_audio_targets_and_people_by_what_a_person_recognises(as_role, panel_runtime):
    """Audio by when it was made, bulletins by title, stations by name; the hash and the
    ids only in tooltips (the stored detail keeps the full hash as evidence)."""
    record = panel_runtime.renders()["mo-dau"]
    done = review(panel_runtime, "mo-dau", Verdict.REJECTED, by="canbo2", comment="Đọc sai")
    old_style = audit.Entry(NOW, "canbo", "approve", "co-am", f"âm thanh {record.sha256[:12]}")
    audit.log(panel_runtime.engine, old_style)
    (entry,) = [e for e in audit.recent(panel_runtime.engine) if e.action == "reject"]
    assert record.sha256 in entry.detail  # evidence: the full hash is stored

    page = as_role("canbo").get("/audit/").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    made = dt.datetime.fromisoformat(done.record.rendered_at).astimezone(
        panel_runtime.settings.zone
    )
    named = f"bản dựng lúc {made:%H:%M} ngày {made:%d/%m/%Y}"
    assert f'<span class="audio" title="sha256 {record.sha256}">{named}</span>: Đọc sai' in table
    title = panel_runtime.library().get("mo-dau").title
    assert f'title="mo-dau">{html.escape(title)}</a>' in table
    assert 'title="co-am">Xã Cổ Am</a>' in table
    words = visible(table)
    assert record.sha256[:12] not in words and "mo-dau" not in words and "co-am" not in words
    assert ACCOUNTS["canbo2"][0] in words

    page = as_role("canbo").get("/audit/?target=mo-dau").get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert " ".join(visible(heading).split()) == f"Nhật ký thao tác: {title}"
