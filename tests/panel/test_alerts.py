"""Emergency alerts end to end: the confirmation step, withdrawing from the panel and the
CLI, the operator's banner, and the loudspeakers' alerts endpoint.

NOW is Monday 30/11/2026 08:00. Xã Cổ Am airs at 6:30 and 17:30, Xã Tam Cường at
6:15 and 17:15 (schedules/vinh-bao.yaml); an alert raised at 08:00 goes first in the
evening slots.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from click.testing import CliRunner

from broadcaster import airlog, alerts, approval, audit
from broadcaster.accounts import tokens
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.alerts.raising import raise_alert
from broadcaster.cli import cli
from broadcaster.errors import Refused
from broadcaster.library import creating
from web import refusals

from .conftest import NOW

VN = dt.timezone(dt.timedelta(hours=7))
TODAY = NOW.date()
F14 = "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"
F14_TITLE = "Giả danh công an, viện kiểm sát, tòa án"


@pytest.fixture
def planned(app, panel_runtime):
    for record in panel_runtime.renders().values():
        approval.decide(
            panel_runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo2", now=NOW
        )
    airplan.plan_range(panel_runtime, TODAY, 1, by="canbo")
    return panel_runtime


def run_cli(runtime, *args: str):
    env = {
        "BROADCASTER_CONFIG": "",
        "BROADCASTER_DATA_DIR": str(runtime.settings.data_dir),
        "BROADCASTER_LIBRARY_DIR": str(runtime.settings.library_dir),
    }
    return CliRunner().invoke(cli, list(args), env=env, obj=runtime.clock)


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return html.unescape(response.get_data(as_text=True))


def banners(text: str) -> list[str]:
    return re.findall(r'class="banner-emergency"[^>]*>(.*?)</div>', text, re.S)


def alert_items(rt, station_id: str) -> list:
    return [i for i in load_plan(rt.engine, TODAY, VN, station_id) if i.priority == "khan_cap"]


def said(code: str, **params) -> str:
    return refusals.text(Refused(code, "", **params), VN)


# ---------------------------------------------------------------- the confirmation step


def test_raising_goes_through_a_confirmation_that_says_who_airs_it_when(planned, as_role):
    staff = as_role("canbo")
    form = {"bulletin_id": F14, "stations": ["co-am", "tam-cuong"]}
    step = staff.post("/schedule/alert", form)  # the form without confirming
    assert step.status_code == 303 and "/schedule/alert/confirm" in step.headers["Location"]
    assert alerts.alerts_raised(planned.engine, NOW - dt.timedelta(days=1)) == []

    text = page(staff.get(step.headers["Location"]))
    assert "Xác nhận phát cảnh báo khẩn" in text
    assert F14_TITLE in text and "Xã Cổ Am, Xã Tam Cường" in text
    assert re.search(r"Xã Tam Cường</td><td[^>]*>17:15 hôm nay", text)
    assert re.search(r"Xã Cổ Am</td><td[^>]*>17:30 hôm nay", text)
    assert ">Xác nhận</button>" in text and ">Quay lại</a>" in text
    assert "<script" not in text
    back = re.search(r'href="([^"]*)">Quay lại', text).group(1)
    form_again = page(staff.get(back))  # the choices are kept
    assert re.search(rf'value="{F14}" required checked', form_again)
    assert re.search(r'value="co-am" checked', form_again)
    assert alerts.alerts_raised(planned.engine, NOW - dt.timedelta(days=1)) == []

    hidden = dict(re.findall(r'name="(confirmed|bulletin_id)" value="([^"]*)"', text))
    assert hidden == {"confirmed": "1", "bulletin_id": F14}
    done = page(staff.post("/schedule/alert", {**form, **hidden}, follow_redirects=True))
    assert "Đã phát lệnh thông báo khẩn cấp #1" in done
    assert [i.bulletin_id for i in alert_items(planned, "co-am")] == [F14]


def test_the_confirmation_step_refuses_what_raising_would(planned, as_role):
    staff = as_role("canbo")
    approval.decide(
        planned.engine,
        planned.renders()[F14],
        verdict=approval.Verdict.REJECTED,
        by="canbo2",
        comment="Sai số điện thoại",
        now=NOW,
    )
    query = f"/schedule/alert/confirm?bulletin_id={F14}&stations=co-am"
    text = page(staff.get(query), 409)
    assert said("alert-not-approved", rejected=True) in text
    assert "Xác nhận phát cảnh báo khẩn" not in text


# ---------------------------------------------------------------- the banner


def test_an_operator_reads_when_their_commune_airs_it_not_when_it_was_ordered(planned, as_role):
    raise_alert(planned, F14, stations=None, by="canbo")
    assert banners(page(as_role("xa-co-am").get("/", follow_redirects=True))) == [
        f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát lúc 17:30"
    ]
    assert banners(page(as_role("xa-tam-cuong").get("/", follow_redirects=True))) == [
        f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát lúc 17:15"
    ]


def test_leadership_reads_when_it_airs_not_when_it_was_ordered(planned, as_role):
    """08:00: the producer airs it at once; Tam Cường's next slot is 17:15, Cổ Am's 17:30."""
    raise_alert(planned, F14, stations=None, by="canbo")
    planned.clock.set(NOW + dt.timedelta(minutes=5))
    raise_alert(planned, F14, stations=["co-am", "tam-cuong"], by="canbo")
    shown = banners(page(as_role("lanhdao").get("/", follow_redirects=True)))
    assert shown == [
        f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát từ 17:15 (Xã Cổ Am, Xã Tam Cường)",
        f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát ngay tại đài nguồn lúc 08:00; "
        "các xã phát trong buổi phát kế tiếp (tất cả các đài)",
    ]
    assert not any("lệnh phát" in b for b in shown)


def test_with_tomorrow_unplanned_the_banner_gives_the_slot_it_will_take(planned, as_role):
    planned.clock.set(dt.datetime(2026, 11, 30, 19, 0, tzinfo=VN))  # after the last slots
    raise_alert(planned, F14, stations=["co-am"], by="canbo")
    text = page(as_role("xa-co-am").get("/", follow_redirects=True))
    assert banners(text) == [
        f"THÔNG BÁO KHẨN CẤP: {F14_TITLE} – phát lúc 06:30 ngày 01/12 (khi lập kế hoạch ngày đó)"
    ]


# ---------------------------------------------------------------- withdrawing


def _withdraw(door: str, rt, as_role, alert_id: int, reason: str) -> tuple[int, str]:
    """(0 when done / the status or exit code when refused, what the user reads)."""
    if door == "panel":
        form = {"reason": reason}
        staff = as_role("canbo")
        response = staff.post(f"/schedule/alert/{alert_id}/withdraw", form)
        if response.status_code == 302:
            return 0, page(staff.get("/schedule/alert"))
        if response.status_code == 303:  # refused: back to the withdrawal's page, which says why
            location = response.headers["Location"]
            assert location.endswith(f"/schedule/alert/{alert_id}/withdraw#alert-withdraw")
            return 303, page(staff.get(location))
        return response.status_code, page(response, response.status_code)
    result = run_cli(rt, "alert", "--withdraw", str(alert_id), "--reason", reason, "--by", "canbo")
    return result.exit_code, result.output


@pytest.mark.parametrize("door", ["panel", "cli"])
def test_withdrawing_stops_it_where_it_has_not_aired_and_keeps_what_aired(
    door, planned, as_role, app
):
    raised = raise_alert(planned, F14, stations=None, by="canbo")
    alert_id = raised.alert.id
    secret = tokens.issue(planned.engine, "co-am", by="quantri", now=NOW).secret
    poll = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert [
        a["id"] for a in poll.get("/api/v1/stations/co-am/alerts", headers=headers).json["alerts"]
    ] == [alert_id]
    tam_cuong = alert_items(planned, "tam-cuong")
    assert [i.starts_at.time() for i in tam_cuong] == [dt.time(17, 15)]

    # 17:20: Tam Cường's evening slot has started with the alert, Cổ Am's has not.
    planned.clock.set(dt.datetime(2026, 11, 30, 17, 20, tzinfo=VN))
    code, text = _withdraw(door, planned, as_role, alert_id, "Nhầm bản tin")
    assert code == 0, text

    assert alert_items(planned, "tam-cuong") == tam_cuong  # aired: stays as evidence
    assert alert_items(planned, "co-am") == []
    evening = [i for i in load_plan(planned.engine, TODAY, VN, "co-am") if i.slot_start.hour == 17]
    assert evening[0].bulletin_id == "mo-dau" and evening[0].starts_at.time() == dt.time(17, 30)
    published = planned.settings.data_dir / "playlists" / TODAY.isoformat() / "co-am"
    assert not any(F14 in p.name for p in published.iterdir() if "-1730-" in p.name)
    assert alerts.pending_alerts(planned.engine, "co-am") == []  # the daemon will not cue it
    answer = poll.get("/api/v1/stations/co-am/alerts", headers=headers)
    assert answer.status_code == 200 and answer.json["alerts"] == []
    assert banners(page(as_role("xa-co-am").get("/", follow_redirects=True))) == []
    (entry,) = [e for e in audit.recent(planned.engine) if e.action == "alert_withdraw"]
    assert entry.actor == "canbo" and "Nhầm bản tin" in entry.detail

    # Planning the day again does not bring it back, nor drop what aired.
    airplan.plan_range(planned, TODAY, 1, by="canbo")
    assert alert_items(planned, "co-am") == []
    assert alert_items(planned, "tam-cuong") == tam_cuong


@pytest.mark.parametrize("door", ["panel", "cli"])
def test_both_doors_refuse_a_withdrawal_alike(door, planned, as_role):
    alert_id = raise_alert(planned, F14, stations=["co-am"], by="canbo").alert.id
    code, text = _withdraw(door, planned, as_role, alert_id, "   ")
    assert code != 0
    assert (said("alert-withdraw-reason") if door == "panel" else "[alert-withdraw-reason]") in text

    code, text = _withdraw(door, planned, as_role, 99, "Nhầm")
    assert code == (404 if door == "panel" else 1)
    assert (said("alert-unknown", alert_id=99) if door == "panel" else "[alert-unknown]") in text

    assert _withdraw(door, planned, as_role, alert_id, "Nhầm")[0] == 0
    code, text = _withdraw(door, planned, as_role, alert_id, "Lần nữa")
    withdrawn_at = alerts.alert_by_id(planned.engine, alert_id).withdrawn_at
    if door == "panel":
        assert code == 303
        assert said("alert-already-withdrawn", alert_id=alert_id, withdrawn_at=withdrawn_at) in text
    else:
        assert code == 1 and "[alert-already-withdrawn]" in text
    assert [e.action for e in audit.recent(planned.engine)].count("alert_withdraw") == 1


def test_the_withdraw_button_asks_for_a_reason_first(planned, as_role):
    alert_id = raise_alert(planned, F14, stations=["co-am"], by="canbo").alert.id
    staff = as_role("canbo")
    listing = page(staff.get("/schedule/alert"))
    link = f"/schedule/alert/{alert_id}/withdraw"
    assert f'href="{link}">Thu hồi…' in listing
    step = page(staff.get(link))
    assert "Lý do thu hồi" in step and ">Xác nhận thu hồi</button>" in step
    assert alerts.alert_by_id(planned.engine, alert_id).withdrawn_at is None
    page(staff.post(link, {"reason": "Đã hết nguy cơ"}), 302)
    assert "Đã thu hồi lúc 30/11/2026 08:00" in page(staff.get("/schedule/alert"))


def test_an_alert_aired_at_once_by_a_loudspeaker_is_reported_with_its_raise_time(planned, app):
    """Reported under its raise time, the airing settles the alert's plan item (the head of
    Cổ Am's 17:30 slot): one airing, logged once, at the time it really aired."""
    alert_id = raise_alert(planned, F14, stations=["co-am"], by="canbo").alert.id
    secret = tokens.issue(planned.engine, "co-am", by="quantri", now=NOW).secret
    headers = {"Authorization": f"Bearer {secret}"}
    client = app.test_client()
    (offered,) = client.get("/api/v1/stations/co-am/alerts", headers=headers).json["alerts"]
    assert offered["id"] == alert_id
    planned.clock.set(NOW + dt.timedelta(seconds=30))
    started = NOW + dt.timedelta(seconds=12)
    body = {
        "scheduled_at": offered["scheduled_at"],
        "bulletin_id": offered["bulletin_id"],
        "outcome": "aired",
        "started_at": started.isoformat(),
    }
    answer = client.post("/api/v1/stations/co-am/airings", json=body, headers=headers)
    assert answer.status_code == 201, answer.json
    assert airlog.logged_for(planned.engine, "co-am", NOW) == []
    (item,) = alert_items(planned, "co-am")
    logged = airlog.logged_for(planned.engine, "co-am", item.starts_at)
    assert [(e.bulletin_id, e.started_at, e.late) for e in logged] == [(F14, started, False)]


def test_a_retired_bulletin_is_not_offered_and_is_refused_if_posted(planned, as_role):
    """Retired: kept for history and evidence, never aired anew, even as an alert."""
    creating.set_retired(planned.settings.library_dir, F14, True, today=TODAY)
    staff = as_role("canbo")
    assert f'value="{F14}"' not in page(staff.get("/schedule/alert"))
    form = {"bulletin_id": F14, "all": "1", "confirmed": "1"}
    shown = page(staff.post("/schedule/alert", form, follow_redirects=True))
    assert said("alert-retired") in shown
    assert alerts.alerts_raised(planned.engine, NOW - dt.timedelta(days=1)) == []
    with pytest.raises(Refused) as refused:
        raise_alert(planned, F14, stations=None, by="canbo")
    assert refused.value.code == "alert-retired"


def test_the_alerts_list_names_who_gave_the_order(planned, as_role):
    raise_alert(planned, F14, stations=["co-am"], by="canbo")
    listing = page(as_role("canbo2").get("/schedule/alert"))
    assert '<td data-label="Người phát lệnh">Trần Thị Biên</td>' in listing
    assert ">canbo</td>" not in listing
