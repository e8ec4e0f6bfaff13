# ruff: noqa: F811 (the fixtures imported from test_browser_story are arguments here)
"""Planning several days from the panel: in the background, its progress on the plan page.

NOW is Monday 30/11/2026 08:00 (conftest); the clock stays there, so a job's heartbeat
never goes stale unless a test writes an old one. Publishing a day is held at the third
day of the week, so that the page is looked at while the job is surely running.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from broadcaster import approval, audit, jobs
from broadcaster.airplan import service as airplan
from broadcaster.airplan.store import load_plan
from broadcaster.db.schema import jobs as jobs_table

from .conftest import NOW
from .test_browser_story import chromium, console_errors, log_in, server  # noqa: F401 (fixtures)

TODAY = NOW.date()
WEEK = [TODAY + dt.timedelta(days=n) for n in range(7)]
BUSY = "Đang có một lần lập kế hoạch chạy"


@pytest.fixture
def staff(as_role, panel_runtime):
    renders = panel_runtime.renders()
    for record in renders.values():
        approval.decide(
            panel_runtime.engine, record, verdict=approval.Verdict.APPROVED, by="canbo2", now=NOW
        )
    return as_role("canbo")


@pytest.fixture
def held_at_third_day(monkeypatch):
    """Publishing waits at the week's third day until the test lets it go."""
    reached, release = threading.Event(), threading.Event()
    publish = airplan.publish_playlists

    def held(runtime, day, **kwargs):
        if day == WEEK[2]:
            reached.set()
            assert release.wait(60), "the test never let the job go on"
        return publish(runtime, day, **kwargs)

    monkeypatch.setattr(airplan, "publish_playlists", held)
    yield reached, release
    release.set()


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return htmllib.unescape(response.get_data(as_text=True))


def plan_button(page: str) -> str:
    return re.search(r"<button type=\"submit\"[^>]*>Lập kế hoạch</button>", page).group(0)


def wait_until_finished(client, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/schedule/plan/jobs/{job_id}").get_json()
        if job["finished"]:
            return job
        time.sleep(0.1)
    raise AssertionError("the planning job did not finish")


def plan_jobs(runtime) -> int:
    query = select(func.count()).select_from(jobs_table).where(jobs_table.c.kind == "plan")
    with runtime.engine.connect() as connection:
        return connection.execute(query).scalar_one()


def test_a_week_is_planned_in_the_background_with_its_progress(
    staff, panel_runtime, held_at_third_day
):
    reached, release = held_at_third_day
    answer = staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "7"})
    assert answer.status_code == 302  # at once, not after the week
    job_id = re.search(r"job=([\w-]+)", answer.headers["Location"]).group(1)
    assert reached.wait(60)

    page = text_of(staff.get(answer.headers["Location"]))
    box = re.search(r'<div id="plan-job".*?</div>', page, re.S).group(0)
    assert 'data-plan-job-state="running"' in box
    assert "Đang lập kế hoạch 7 ngày (30/11/2026 – 06/12/2026)" in box
    assert "Đang lập kế hoạch: ngày 3/7…" in box
    assert "disabled" in plan_button(page)  # no second click while it runs
    polled = staff.get(f"/schedule/plan/jobs/{job_id}").get_json()
    assert polled["state"] == "running" and polled["progress"] == pytest.approx(2 / 7, abs=0.01)

    release.set()
    assert wait_until_finished(staff, job_id)["state"] == "done"
    page = text_of(staff.get(answer.headers["Location"]))
    done = re.search(r'<p id="plan-job" class="flash ok"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert re.match(r"Đã lập kế hoạch 7 ngày \(30/11/2026 – 06/12/2026\): \d+ mục phát", done)
    assert "disabled" not in plan_button(page)

    zone = panel_runtime.settings.zone
    playlists = panel_runtime.settings.data_dir / "playlists"
    for day in WEEK:  # Xã Tam Cường airs every day
        assert load_plan(panel_runtime.engine, day, zone, "tam-cuong"), day
        assert (playlists / day.isoformat() / "tam-cuong" / "playlist.m3u8").is_file(), day
    (entry,) = [e for e in audit.recent(panel_runtime.engine) if e.action == "plan"]
    assert entry.actor == "canbo" and "7 ngày" in entry.detail


def test_a_second_planning_is_refused_while_one_runs(staff, panel_runtime, held_at_third_day):
    reached, release = held_at_third_day
    first = staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "7"})
    job_id = re.search(r"job=([\w-]+)", first.headers["Location"]).group(1)
    assert reached.wait(60)

    for days in ("7", "1"):  # the same days, or one of them at once
        again = staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": days})
        assert again.status_code == 303  # Post/Redirect/Get
        page = text_of(staff.get(again.headers["Location"]))
        refusal = re.search(r'class="card sched-error".*?</div>', page, re.S).group(0)
        assert BUSY in refusal and "30/11/2026 – 06/12/2026" in refusal
        assert "ngày 3/7" in refusal
    assert plan_jobs(panel_runtime) == 1

    release.set()
    wait_until_finished(staff, job_id)
    after = staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "1"})
    assert after.status_code == 302 and "job=" not in after.headers["Location"]


def test_a_job_whose_worker_died_reads_as_interrupted(staff, panel_runtime):
    """A panel worker restarted mid-week: its job stopped beating five minutes ago."""
    then = NOW - dt.timedelta(minutes=5)
    params = {"first": TODAY.isoformat(), "days": 7}
    job = jobs.start(
        panel_runtime.engine, "plan", owner="gone:1:abc", now=then, subject="network",
        params=params, by="canbo",
    )  # fmt: skip
    jobs.begin(panel_runtime.engine, job.id, now=then, message="Đang lập kế hoạch: ngày 4/7…")

    page = text_of(staff.get("/schedule/plan"))
    notice = re.search(r'<p id="plan-job"[^>]*>(.*?)</p>', page, re.S)
    assert 'data-plan-job-state="interrupted"' in notice.group(0)
    assert "Lần lập kế hoạch trước bị gián đoạn" in notice.group(1)
    assert "disabled" not in plan_button(page)
    assert staff.get(f"/schedule/plan/jobs/{job.id}").get_json()["state"] == "interrupted"

    again = staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "1"})
    assert again.status_code == 302  # not refused as busy
    assert BUSY not in text_of(staff.get(again.headers["Location"]))


def test_a_refused_plan_redirects_with_the_reason_at_the_field_and_the_input_kept(
    staff, panel_runtime
):
    answer = staff.post("/schedule/plan?view=week", {"date": "29/11/2026", "days": "7"})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/schedule/plan?view=week#lap-ke-hoach")
    page = text_of(staff.get(answer.headers["Location"]))
    top = re.search(r'class="card sched-error".*?</div>', page, re.S).group(0)
    assert "Không lập lại kế hoạch cho ngày đã qua" in top
    form = re.search(r'<form class="card sched-regenerate".*?</form>', page, re.S).group(0)
    assert re.search(r'id="loi-date"[^>]*>Không lập lại kế hoạch cho ngày đã qua', form)
    assert 'name="date" value="29/11/2026"' in form
    assert '<option value="7" selected>' in form
    assert plan_jobs(panel_runtime) == 0

    bad = staff.post("/schedule/plan", {"date": TODAY.isoformat(), "days": "40"})
    page = text_of(staff.get(bad.headers["Location"]))
    assert re.search(r'id="loi-days"[^>]*>Số ngày lập kế hoạch phải từ 1 đến 14', page)


def test_in_a_browser_the_page_follows_the_week_then_shows_the_outcome(
    staff, server, chromium, console_errors, held_at_third_day
):
    """Through real Chromium: static JS (the policy forbids inline scripts) polls, then reloads."""
    reached, release = held_at_third_day
    page = log_in(chromium, server, "canbo", console_errors)
    page.goto(f"{server}/schedule/plan")
    page.select_option("form.sched-regenerate select[name=days]", "7")
    page.click("form.sched-regenerate button[type=submit]")
    assert reached.wait(60)
    # the poller brings the progress without a reload
    page.wait_for_selector("#plan-job[data-plan-job-state=running] :text('ngày 3/7…')")
    assert page.is_disabled("form.sched-regenerate button[type=submit]")

    release.set()
    done = page.wait_for_selector("#plan-job.flash.ok", timeout=90_000)  # reloaded by the script
    assert done.inner_text().startswith("Đã lập kế hoạch 7 ngày (30/11/2026 – 06/12/2026)")
    assert page.is_enabled("form.sched-regenerate button[type=submit]")
    assert console_errors == []
