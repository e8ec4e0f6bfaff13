"""Staff create, duplicate and retire bulletins in the panel; the library folder stays the
truth (a YAML file each, read back by the loader) and every change is in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from playwright.sync_api import expect
from sqlalchemy import select

from broadcaster import audit
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import stored_plan
from broadcaster.approval.review import last_author
from broadcaster.library.bulletins import load_library

from .conftest import NOW
from .test_browser_story import (  # noqa: F401 (fixtures)
    approved_day,
    chromium,
    fits,
    log_in,
    server,
)
from .test_redirects import follow_refusal

TITLE = "Lừa đảo đầu tư tiền ảo"
NEW_ID = "lua-dao-dau-tu-tien-ao"
GOOD = {
    "action": "save",
    "form": "",
    "title": TITLE,
    "priority": "thuong",
    "valid_from": "30/11/2026",
    "valid_until": "",
    "stations": "",
    "body": "Bà con chú ý: không chuyển tiền cho người lạ hứa lãi cao. Gọi 113.",
}


def entries(runtime, action: str) -> list[audit.Entry]:
    return [e for e in audit.recent(runtime.engine, limit=200) if e.action == action]


def yaml_of(runtime, bulletin_id: str) -> dict:
    path = runtime.settings.library_dir / f"{bulletin_id}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- in a real browser, on a phone


@pytest.fixture
def console_errors() -> list[str]:
    return []


def test_staff_create_duplicate_and_retire_on_a_phone(
    server,  # noqa: F811
    chromium,  # noqa: F811
    panel_runtime,
    tmp_path,
    console_errors,
):
    staff = log_in(chromium, server, "canbo", console_errors)  # 390 x 844
    staff.goto(f"{server}/content/")
    staff.click("#tao-moi")
    staff.wait_for_load_state()
    assert staff.url.endswith("/content/new")

    # A form with mistakes: each is said in Vietnamese under its field; what was typed stays.
    staff.select_option("select[name=form]", "11")
    staff.fill("input[name=title]", TITLE)
    staff.fill("input[name=valid_from]", "31/02/2026")
    staff.fill("input[name=stations]", "co-am, khong-co-dai")
    staff.click("button[name=action][value=save]")
    staff.wait_for_load_state()
    assert "/content/new#nhap-" in staff.url  # the form's own page (PRG), at the first mistake
    assert staff.locator("#loi-body").inner_text() == "Hãy nhập nội dung bản tin."
    assert "khong-co-dai" in staff.locator("#loi-stations").inner_text()
    assert "Không có đài mang mã" in staff.locator("#loi-stations").inner_text()
    assert "không phải là một ngày hợp lệ" in staff.locator("label.invalid").nth(0).inner_text()
    assert "Chưa lưu được" in staff.locator("[role=alert].errors").inner_text()
    assert staff.input_value("input[name=title]") == TITLE
    assert staff.input_value("input[name=stations]") == "co-am, khong-co-dai"
    assert staff.input_value("select[name=form]") == "11"
    fits(staff, tmp_path, "new-refused", whole=True)
    assert not (panel_runtime.settings.library_dir / f"{NEW_ID}.yaml").exists()

    # Corrected; the spoken preview follows the text as it is typed.
    staff.fill("input[name=valid_from]", "30/11/2026")
    staff.fill("input[name=stations]", "co-am")
    staff.fill("textarea[name=body]", GOOD["body"])
    expect(staff.locator("#spoken")).to_contain_text("một một ba")  # the live preview
    staff.click("button[name=action][value=save]")
    staff.wait_for_load_state()
    assert staff.url.endswith(f"/content/{NEW_ID}")
    assert "chỉ phát ở: co-am" in staff.inner_text("p.meta")
    written = yaml_of(panel_runtime, NEW_ID)
    assert (written["id"], written["form"], written["stations"]) == (NEW_ID, 11, ["co-am"])
    assert load_library(panel_runtime.settings.library_dir).get(NEW_ID).title == TITLE
    (created,) = entries(panel_runtime, "create")
    assert (created.actor, created.target) == ("canbo", NEW_ID)

    # Duplicate: a new id, "(bản sao)", and the edit form open.
    staff.click("#nhan-ban")
    staff.wait_for_load_state()
    copy_id = f"{NEW_ID}-ban-sao"
    assert f"/content/{copy_id}" in staff.url and staff.url.endswith("#sua")
    assert staff.inner_text("h1") == f"{TITLE} (bản sao)"
    assert yaml_of(panel_runtime, copy_id)["body"] == written["body"]
    assert [e.target for e in entries(panel_runtime, "duplicate")] == [copy_id]

    # Retire the copy: it stays in its file, and the list shows it apart.
    staff.click("#ngung-dung")
    staff.wait_for_load_state()
    assert "Bản tin đã ngừng dùng từ 30/11/2026" in staff.inner_text("#da-ngung")
    assert yaml_of(panel_runtime, copy_id)["retired"] is True
    assert [e.target for e in entries(panel_runtime, "retire")] == [copy_id]
    staff.goto(f"{server}/content/")
    assert staff.locator(f"section#ngung-dung #b-{copy_id}").count() == 1
    assert staff.locator(f"table.bulletins #b-{copy_id}").count() == 0
    assert staff.locator(f"table.bulletins #b-{NEW_ID}").count() == 1
    fits(staff, tmp_path, "content-with-retired", whole=True)
    # the refused form answered with a redirect, not an error status: nothing went wrong
    assert console_errors == []


# ---------------------------------------------------------------- the rules, through the server


def test_every_refusal_is_on_its_field_in_vietnamese_and_nothing_is_written(as_role, panel_runtime):
    before = sorted(p.name for p in panel_runtime.settings.library_dir.iterdir())
    form = {**GOOD, "title": "  ", "body": "", "form": "30", "valid_until": "29/11/2026"}
    page = follow_refusal(as_role("canbo"), "/content/new", form)
    for field, text in [
        ("title", "Hãy nhập tiêu đề bản tin."),
        ("body", "Hãy nhập nội dung bản tin."),
        ("form", "Hãy chọn một hình thức từ 1 đến 24"),
        ("valid_until", "Ngày hết hiệu lực (29/11/2026) đang ở trước ngày bắt đầu hiệu lực"),
    ]:
        assert f'id="loi-{field}" role="alert">{text}' in page, field
    assert 'value="29/11/2026"' in page  # typed input kept
    assert sorted(p.name for p in panel_runtime.settings.library_dir.iterdir()) == before
    assert entries(panel_runtime, "create") == []


def test_the_preview_button_shows_the_spoken_text_and_writes_nothing(as_role, panel_runtime):
    response = as_role("canbo").post("/content/new", {**GOOD, "action": "preview"})
    assert response.status_code == 200
    assert "một một ba" in response.get_data(as_text=True)
    assert not (panel_runtime.settings.library_dir / f"{NEW_ID}.yaml").exists()


def test_a_second_bulletin_with_the_same_title_gets_a_new_id(as_role, panel_runtime):
    staff = as_role("canbo")
    first = staff.post("/content/new", GOOD)
    second = staff.post("/content/new", GOOD)
    assert first.headers["Location"].endswith(f"/content/{NEW_ID}")
    assert second.headers["Location"].endswith(f"/content/{NEW_ID}-2")
    assert [e.target for e in entries(panel_runtime, "create")] == [f"{NEW_ID}-2", NEW_ID]


def test_retiring_and_restoring_are_audited_and_give_the_file_back(as_role, panel_runtime):
    path = panel_runtime.settings.library_dir / "f07-gia-danh-cong-ty-tai-chinh-ngan-hang.yaml"
    before = path.read_bytes()
    staff = as_role("canbo")
    staff.post(f"/content/{path.stem}/retire", {"action": "retire"})
    assert load_library(path.parent).get(path.stem).retired
    staff.post(f"/content/{path.stem}/retire", {"action": "restore"})
    assert path.read_bytes() == before
    assert [e.action for e in audit.recent(panel_runtime.engine, target=path.stem)] == [
        "unretire",
        "retire",
    ]


def test_an_edit_refuses_an_unknown_station_on_the_field(as_role, panel_runtime):
    staff = as_role("canbo")
    page = staff.get("/content/mo-dau").get_data(as_text=True)
    form = {
        "action": "save",
        "title": "Lời mở đầu",
        "priority": "thuong",
        "valid_from": "01/01/2023",
        "body": "Kính thưa bà con.",
        "stations": "co-am, dao-xa",
        "base": page.split('name="base" value="')[1].split('"')[0],
    }
    refused = staff.post("/content/mo-dau", form)
    assert refused.status_code == 303 and refused.headers["Location"].endswith("#nhap-stations")
    page = staff.get(refused.headers["Location"]).get_data(as_text=True)
    assert 'id="loi-stations" role="alert">Không có đài mang mã: dao-xa.' in page
    assert 'name="stations" value="co-am, dao-xa"' in page
    saved = staff.post("/content/mo-dau", {**form, "stations": "co-am"})
    assert saved.status_code == 302
    assert load_library(panel_runtime.settings.library_dir).get("mo-dau").stations == ("co-am",)


@pytest.mark.parametrize("username", ["xa-co-am", "lanhdao", "quantri"])
def test_operators_leaders_and_admins_may_not_create_copy_or_retire(
    as_role, panel_runtime, username
):
    client = as_role(username)
    before = sorted(p.name for p in panel_runtime.settings.library_dir.iterdir())
    assert client.get("/content/new").status_code == 403
    assert client.post("/content/new", GOOD).status_code == 403
    assert client.post("/content/f01-combo-du-lich/duplicate").status_code == 403
    retire = client.post("/content/f01-combo-du-lich/retire", {"action": "retire"})
    assert retire.status_code == 403
    assert sorted(p.name for p in panel_runtime.settings.library_dir.iterdir()) == before


def test_whoever_creates_or_copies_a_bulletin_is_its_author_for_the_four_eyes_rule(
    as_role, panel_runtime
):
    """A copy is new text under a new id: its maker may not approve it alone either."""
    staff = as_role("canbo")
    staff.post("/content/new", GOOD)
    staff.post("/content/f01-combo-du-lich/duplicate")
    assert last_author(panel_runtime, NEW_ID) == "canbo"
    assert last_author(panel_runtime, "combo-du-lich-gia-re-ban-sao") == "canbo"


def test_a_retired_bulletin_leaves_the_next_plan_and_staff_are_told_of_stored_ones(
    as_role,
    approved_day,  # noqa: F811
):
    retired_id = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"  # an approved priority bulletin
    airplan.plan_range(approved_day, NOW.date(), 2, by="canbo")
    assert retired_id in planned_ids(approved_day)
    staff = as_role("canbo")
    page = staff.post(f"/content/{retired_id}/retire", {"action": "retire"}, follow_redirects=True)
    told = page.get_data(as_text=True)
    assert "Kế hoạch đã lập cho ngày 30/11/2026, 01/12/2026 vẫn có bản tin này" in told
    airplan.plan_range(approved_day, NOW.date() + dt.timedelta(days=1), 1, by="canbo")
    tomorrow = NOW.date() + dt.timedelta(days=1)
    assert retired_id not in planned_ids(approved_day, tomorrow)
    assert "f14-gia-danh-cong-an-vien-kiem-sat-toa-an" in planned_ids(approved_day, tomorrow)


def planned_ids(runtime, day: dt.date | None = None) -> set[str]:
    stored = stored_plan()
    query = select(stored.c.bulletin_id)
    if day is not None:
        query = query.where(stored.c.day == day.isoformat())
    with runtime.engine.connect() as connection:
        return {row[0] for row in connection.execute(query)}
