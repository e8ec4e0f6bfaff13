"""Several panel workers behind one reverse proxy, on one database and one data directory:
a session, the login throttle and a render job do not care which worker answers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from broadcaster import jobs
from broadcaster.runtime import FixedClock, build_runtime
from web import create_app

from .conftest import NOW, PASSWORD, Browser

TINY = """\
id: tin-thu
form: null
kind: bulletin
title: Tin thử
priority: thuong
valid_from: 2023-01-01
valid_until: null
voice: null
body: |
  Thấy lạ, gọi 113.
"""
KEY = "k" * 40


@pytest.fixture
def worker(app, rendered, library_copy):
    """Another worker process's app: its own runtime and engine on the same data directory
    and database as ``app`` (which made the accounts). ``secret=None``: no key in the
    app's config, so the worker finds one the way a deployed one does."""

    def start(*, secret: str | None = "test-secret", clock: FixedClock | None = None, **env):
        runtime = build_runtime(
            environ={
                "BROADCASTER_DATA_DIR": str(rendered),
                "BROADCASTER_LIBRARY_DIR": str(library_copy),
                "BROADCASTER_SPEECH__ENGINES": "espeak",
                **env,
            },
            clock=clock or FixedClock(NOW),
        )
        config = {"BROADCASTER_RUNTIME": runtime, "TESTING": True}
        if secret is not None:
            config["SECRET_KEY"] = secret
        return create_app(config)

    return start


def logged_in_home(browser: Browser) -> str:
    """Where ``/`` sends this browser: the login page, or the user's landing page."""
    return browser.get("/").headers["Location"]


# ---------------------------------------------------------------- the secret key


def test_a_session_made_by_one_worker_is_accepted_by_another(worker, rendered):
    one, two = worker(secret=None), worker(secret=None)
    browser = Browser(one.test_client())
    assert browser.login("canbo").status_code == 302

    other = two.test_client()
    other.set_cookie("session", browser.client.get_cookie("session").value)
    assert logged_in_home(Browser(other)) == "/content/"
    key_file = rendered / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text()) == 64


def test_an_empty_key_file_left_by_a_crash_is_replaced(worker, rendered):
    """A worker killed between creating the file and writing the key must not leave
    every later worker without a key (no login at all)."""
    (rendered / "secret_key").write_text("")
    browser = Browser(worker(secret=None).test_client())
    assert browser.login("canbo").status_code == 302
    assert len((rendered / "secret_key").read_text()) == 64


def test_workers_starting_together_agree_on_one_key(tmp_path):
    """Eight processes make the key at the same instant on an empty data directory."""
    # The machine's monotonic clock: one for every process, and never moved by the
    # suite's shifted-clock runs (which move the parent's time.time, not the children's).
    start_at = time.monotonic() + 1.5
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from broadcaster.config import load_settings\n"
        "from web.secret import session_key\n"
        "panel = load_settings(environ={}).panel\n"
        f"time.sleep(max(0, {start_at} - time.monotonic()))\n"
        "print(session_key(panel, Path(sys.argv[1]) / 'secret_key'))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADCASTER_")}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / "var")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )
        for _ in range(8)
    ]
    answers = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0] * 8, answers
    keys = {out.strip() for out, _err in answers}
    assert len(keys) == 1 and len(keys.pop()) == 64


def test_a_key_from_the_environment_wins(worker, rendered):
    from_file = worker(secret=None)
    from_env = worker(secret=None, BROADCASTER_PANEL__SECRET_KEY=KEY)
    assert from_env.config["SECRET_KEY"] == KEY
    assert from_file.config["SECRET_KEY"] == (rendered / "secret_key").read_text()

    browser = Browser(from_file.test_client())
    assert browser.login("canbo").status_code == 302
    other = from_env.test_client()
    other.set_cookie("session", browser.client.get_cookie("session").value)
    assert "/login" in logged_in_home(Browser(other))  # signed with another key: not believed


def test_a_short_key_is_refused_with_its_setting_named(worker):
    from broadcaster.errors import ConfigError

    with pytest.raises(ConfigError, match="panel.secret_key' must be at least 32 characters"):
        worker(secret=None, BROADCASTER_PANEL__SECRET_KEY="kort")


# ---------------------------------------------------------------- the login throttle


def test_failures_split_across_two_workers_lock_the_account_as_one_would(app, worker):
    """The proxy sends each attempt to either worker: the sixth is refused all the same."""
    browsers = [Browser(app.test_client()), Browser(worker().test_client())]
    wrong = {"username": "canbo", "password": "doan-bua"}
    statuses = [browsers[n % 2].post("/login", wrong).status_code for n in range(5)]
    assert statuses == [401] * 5
    for browser in browsers:
        refused = browser.post("/login", {"username": "canbo", "password": PASSWORD})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "Bạn đã thử quá nhiều lần" in refused.get_data(as_text=True)


# ---------------------------------------------------------------- render jobs


@pytest.fixture
def tiny(library_copy: Path) -> Path:
    path = library_copy / "tin-thu.yaml"
    path.write_text(TINY, encoding="utf-8")
    return path


def test_a_render_started_in_one_worker_is_followed_through_another(as_role, worker, tiny):
    one = as_role("canbo")
    response = one.post("/content/tin-thu/render")
    job_id = parse_qs(urlparse(response.headers["Location"]).query)["job"][0]

    two = Browser(worker().test_client())
    assert two.login("canbo").status_code == 302
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = two.get(f"/content/jobs/{job_id}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        seen.append(answer.get_json())
        if seen[-1]["finished"]:
            break
        time.sleep(0.1)
    assert seen[-1]["state"] == "done", seen[-1]
    assert "Đã dựng xong bản âm thanh" in seen[-1]["message"]
    page = two.get(f"/content/tin-thu?job={job_id}").get_data(as_text=True)
    assert "Hoàn tất" in page and "Đã dựng xong bản âm thanh" in page


def test_a_job_whose_worker_died_reads_as_interrupted_and_can_run_again(
    app, panel_runtime, as_role, tiny
):
    """A worker killed mid-render leaves a running job whose heartbeat stopped."""
    engine, then = panel_runtime.engine, NOW - dt.timedelta(minutes=5)
    dead = jobs.start(engine, "render", owner="may-2:4242:dead", now=then, subject="tin-thu")
    jobs.begin(engine, dead.id, now=then, message="Đang dựng âm thanh…")
    staff = as_role("canbo")

    status = staff.get(f"/content/jobs/{dead.id}").get_json()
    assert status["state"] == "interrupted" and status["finished"] is True
    assert "bị gián đoạn" in status["message"]

    page = staff.get("/content/tin-thu").get_data(as_text=True)  # found without ?job=
    assert "Việc dựng bị gián đoạn" in page and "Bấm nút dựng ở mục Âm thanh" in page
    assert "disabled" not in page.split('id="am-thanh"')[1].split("</form>")[0]

    again = staff.post("/content/tin-thu/render")
    job_id = parse_qs(urlparse(again.headers["Location"]).query)["job"][0]
    assert job_id != dead.id  # a new job, not a join of the dead one
    deadline = time.monotonic() + 60
    while not (job := staff.get(f"/content/jobs/{job_id}").get_json())["finished"]:
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert "gián đoạn" not in staff.get("/content/tin-thu").get_data(as_text=True)
