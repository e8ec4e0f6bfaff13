"""Every page of every role in headless Chromium, at a phone's and a desktop's size.

The pages are listed from ``app.url_map`` (a new page is walked as soon as it
lands) and filled in from a lived-in panel: approved bulletins, a planned week
(today published), airings aired, missed and failed, an emergency alert, a
station token. On each page: nothing wider than the screen, no English left
where a commune official reads, and every cell of a stacked table still naming
its column on a phone. Screenshots go to ``$BROADCASTER_SHOTS`` (or the test's
temporary directory) to be looked at.
"""

# ruff: noqa: F811 (fixtures imported from test_browser_story are arguments here)
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from playlists.factories import SUNDAY, ZONE, commune, session_items

from broadcaster import approval
from broadcaster.accounts import tokens
from broadcaster.airlog import Outcome, Source
from broadcaster.airlog.confirm import Claim
from broadcaster.airlog.confirm import confirm as confirm_airing
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts.raising import raise_alert
from broadcaster.approval import Verdict
from broadcaster.playlists.formats import playlist_m3u8, schedule_text
from broadcaster.playlists.ics import calendar_ics
from broadcaster.playlists.printable import schedule_html
from broadcaster.playlists.sessions import duration_label, station_day
from web.content.text import ACTION_LABELS, fmt_seconds
from web.reports.data import PLOT_HEIGHT, PLOT_TOP, tick_values
from web.schedule.text import length

from .conftest import NOW
from .test_browser_story import chromium, log_in, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)"
)
ROLES = ("canbo", "xa-co-am", "lanhdao", "quantri")  # staff, operator, leadership, admin
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
VN = dt.timezone(dt.timedelta(hours=7))
TODAY = NOW.date()
F14 = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"

# Words a commune official must never read: English left in templates, Python
# values printed as they are, engine and zone names, raw audit codes.
LEFTOVERS = [
    r"\b(Error|None|True|False|null|undefined|NaN|Traceback)\b",
    r"(?i:\b(submit|download|log ?in|log ?out|station|bulletin|playlist|aired|failed|missed"
    r"|pending|approved|rejected|withdrawn|confirmed)\b)",
    r"\bespeak\b(?!-ng)",
    r"\bgtts\b",
    r"\d\.\d+\s*LUFS",
    r"Asia/Ho_Chi_Minh|\bUTC\b",
    r"thao tác khác \(",  # an audit code without its label
    r"\b(" + "|".join(sorted(code for code in ACTION_LABELS if "_" in code)) + r")\b",
]
LEFTOVER = re.compile("|".join(f"(?:{pattern})" for pattern in LEFTOVERS))

# Sticking out of the screen, not counting what scrolls inside a box that fits
# (a wide chart in its own scroller) or sits in a closed <details>.
MEASURE = """() => {
    const width = window.innerWidth;
    const inScroller = e => {
        for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            const fits = p.getBoundingClientRect().right <= width + 1;
            if ((o === 'auto' || o === 'scroll' || o === 'hidden') && fits) return true;
        }
        return false;
    };
    // A cell needs no column name when it is the row's title or holds only its actions.
    const selfNamed = td => td.classList.contains('title')
        || td.querySelector('form, details, button')
        || (td.children.length === 1 && td.firstElementChild.matches('a')
            && td.innerText.trim() === td.firstElementChild.innerText.trim());
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => e.getClientRects().length && !e.closest('details:not([open])'))
        .filter(e => {
            const r = e.getBoundingClientRect();
            return (r.right > width + 1 || r.left < -1) && !inScroller(e);
        })
        .slice(0, 4)
        .map(e => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class')}">`
                  + ` ${Math.round(e.getBoundingClientRect().width)} px`);
    const unlabelled = [...document.querySelectorAll('table.stack td')]
        .filter(e => e.getClientRects().length && e.innerText.trim() && !selfNamed(e))
        .filter(e => getComputedStyle(e, '::before').content === 'none'
            && getComputedStyle(e.closest('table').querySelector('thead') || e).display
               === 'none')
        .slice(0, 3)
        .map(e => `table.${[...e.closest('table').classList].join('.')}:`
                  + ` "${e.innerText.trim().slice(0, 30)}"`);
    return {page: document.documentElement.scrollWidth, width, wide, unlabelled,
            text: document.title + '\\n' + document.body.innerText};
}"""


@pytest.fixture
def lived_in(app, panel_runtime):
    """Values for every URL variable, from a panel with a week of work behind it."""
    runtime = panel_runtime
    renders = runtime.renders()
    for record in renders.values():
        approval.decide(runtime.engine, record, verdict=Verdict.APPROVED, by="canbo2", now=NOW)
    airplan.plan_range(runtime, TODAY, 7, by="canbo")
    airplan.publish_playlists(runtime, TODAY)
    passed = [i for i in load_plan(runtime.engine, TODAY, VN, "co-am") if i.starts_at < NOW]
    aired = sorted(passed, key=lambda item: item.form is None)  # a form aired, for the matrix
    claims = [
        Claim(Outcome.AIRED, started_at=aired[0].starts_at),
        Claim(Outcome.MISSED, reason="Mất điện cả xã"),
        Claim(Outcome.FAILED, started_at=aired[2].starts_at, reason="Loa rè"),
    ]
    for item, claim in zip(aired, claims, strict=False):
        confirm_airing(
            runtime.engine, item, claim, source=Source.OPERATOR, by="xa-co-am", now=NOW, zone=VN
        )
    alert = raise_alert(runtime, F14, stations=None, by="canbo").alert
    token = tokens.issue(runtime.engine, "co-am", by="quantri", now=NOW).token
    return {
        "station_id": "co-am",
        "bulletin_id": F14,
        "day": TODAY.isoformat(),
        "position": 1,
        "name": "playlist.m3u8",
        "sha12": renders[F14].sha256[:12],
        "job_id": "khong-co",
        "username": "xa-tam-cuong",  # not the operator the tests log in as
        "token_id": token.id,
        "alert_id": alert.id,
        "campaign_id": runtime.schedule().campaigns[0].id,
    }


def pages(app, arguments: dict) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET route of the panel, the API and files aside."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.endpoint.startswith("api.") or rule.endpoint == "auth.logout":
            continue  # the API answers loudspeakers in JSON: tests/panel/test_api.py
        if rule.arguments - set(arguments):
            found.append((rule.endpoint, None))  # reported: a value is missing here
            continue
        url = rule.build({k: v for k, v in arguments.items() if k in rule.arguments})[1]
        found.append((rule.endpoint, url))
    return found


def shots_dir(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("BROADCASTER_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def walk(chromium, server, app, as_role, arguments, shots: Path, username: str) -> list[str]:
    """Visit every page a role can open, at both sizes; what is wrong, one line each."""
    client = as_role(username)
    wrong: list[str] = []
    contexts = {}
    for size, viewport in SIZES.items():
        context = chromium.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "mat-khau-demo")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        contexts[size] = (context, page)
    for endpoint, url in pages(app, arguments):
        if url is None:
            wrong.append(f"{endpoint}: no value for its URL in lived_in()")
            continue
        response = client.get(url)
        if response.status_code < 300 and response.mimetype != "text/html":
            continue  # a file: audio, zip, CSV, PDF, job status
        for size, (_, page) in contexts.items():
            page.goto(server + url)
            page.wait_for_load_state()
            measured = page.evaluate(MEASURE)
            name = f"{username}-{endpoint}-{size}".replace(".", "-")
            page.screenshot(path=str(shots / f"{name}.png"), full_page=size == "phone")
            where = f"{username} {url} ({size})"
            if measured["page"] > measured["width"] or measured["wide"]:
                wrong.append(f"{where}: {measured['page']} px wide; {measured['wide']}")
            if size == "phone" and measured["unlabelled"]:
                wrong.append(
                    f"{where}: stacked cells without a column name {measured['unlabelled']}"
                )
            if size == "phone":
                words = sorted({m.group(0) for m in LEFTOVER.finditer(measured["text"])})
                if words:
                    wrong.append(f"{where}: English or codes left: {words}")
    for context, _ in contexts.values():
        context.close()
    return wrong


@pytest.mark.parametrize("username", ROLES)
def test_every_page_fits_and_speaks_vietnamese(
    server, chromium, app, as_role, lived_in, tmp_path, username
):
    wrong = walk(chromium, server, app, as_role, lived_in, shots_dir(tmp_path), username)
    assert wrong == [], "\n".join(wrong)


def test_the_login_page_fits_and_speaks_vietnamese(server, chromium, tmp_path):
    shots = shots_dir(tmp_path)
    for size, viewport in SIZES.items():
        page = chromium.new_page(viewport=viewport)
        page.goto(f"{server}/login")
        measured = page.evaluate(MEASURE)
        page.screenshot(path=str(shots / f"anonymous-login-{size}.png"))
        assert measured["page"] <= measured["width"] and measured["wide"] == [], measured
        assert not LEFTOVER.search(measured["text"]), measured["text"]
        page.close()


def test_the_leftover_list_catches_what_was_seen():
    seen = [
        "espeak / vi",
        "-16.0 LUFS",
        "giờ Asia/Ho_Chi_Minh",
        "gtts: cannot reach translate.google.com.vn (offline?)",
        "thao tác khác (issue_token)",
        "Trạng thái: None",
    ]
    assert [bool(LEFTOVER.search(text)) for text in seen] == [True] * len(seen)
    fine = ["espeak-ng, giọng miền Bắc", "Google (gTTS), giọng tiếng Việt", "-16,0 LUFS"]
    assert [bool(LEFTOVER.search(text)) for text in fine] == [False] * len(fine)


def test_every_form_of_the_matrix_is_on_a_phones_screen(server, chromium, lived_in, tmp_path):
    """Each station is a card of its 24 cells, each cell naming its form."""
    page = log_in(chromium, server, "lanhdao", [])
    page.goto(f"{server}/reports/coverage")
    row = page.locator("table.matrix tbody tr", has_text="Xã Cổ Am").first
    row.screenshot(path=str(shots_dir(tmp_path) / "matrix-phone-card.png"))
    assert "1 lượt" in row.inner_text()  # the airing confirmed this morning
    cells = row.locator("td.cell")
    assert cells.count() == 24
    boxes = [cells.nth(i).bounding_box() for i in range(24)]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes), boxes
    assert all(box["width"] >= 60 for box in boxes)  # readable, not squeezed
    names = cells.evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert names == [f'"Hình thức {form}"' for form in range(1, 25)]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{server}/reports/")
    page.locator(".chart-section").screenshot(path=str(shots_dir(tmp_path) / "chart-phone.png"))


@pytest.mark.parametrize(
    ("top", "labels"),
    [(5, [0, 1, 2, 3, 4, 5]), (10, [0, 5, 10]), (20, [0, 10, 20]), (50, [0, 10, 20, 30, 40, 50])],
)
def test_each_axis_label_names_the_height_it_stands_at(top, labels):
    assert tick_values(top) == labels


def test_the_charts_axis_on_the_dashboard_is_labelled_with_real_values(as_role, lived_in):
    """Two airings counted at most on a day: the axis runs 0..5, and "2" is at 2/5 of it."""
    page = as_role("lanhdao").get("/reports/").get_data(as_text=True)
    ticks = re.findall(
        r'<text class="tick axis-value" x="[^"]+" y="([\d.]+)"[^>]*>([\d.]+)</text>', page
    )
    assert [label for _, label in ticks] == ["0", "1", "2", "3", "4", "5"]
    for y, label in ticks:
        assert float(y) - 4 == pytest.approx(PLOT_TOP + PLOT_HEIGHT * (1 - int(label) / 5), abs=0.1)


def test_a_101_6_second_item_shows_1_41_everywhere():
    """The player cuts (101.6 s plays as 1:41): the panel, the printed sheet and the
    playlists say the same, from one function."""
    assert duration_label(101.6) == fmt_seconds(101.6) == length(101.6) == "1:41"
    station = commune()
    item = (
        "f07-gia-danh-cong-ty-tai-chinh-ngan-hang",
        "Giả danh công ty tài chính",
        101.6,
        7,
        "thuong",
    )
    items = session_items(station.id, SUNDAY, "6:30", [item])
    day = station_day(station, SUNDAY, items, zone=ZONE, slot_minutes={dt.time(6, 30): 15})
    printed = schedule_html(day)
    assert "1:41" in printed and "1:42" not in printed
    assert "Thời lượng 1:41" in schedule_text(day)
    ics = calendar_ics(station.id, station.name, day.sessions, stamp=NOW)
    assert "(1:41)" in ics.decode("utf-8").replace("\r\n ", "")
    assert "#EXTINF:102," in playlist_m3u8(day)  # the players' whole seconds, not a label
