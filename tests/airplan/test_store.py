"""Stored plans: compact (each segment and reason stored once), read back as planned,
pruned after KEEP_DAYS except what the log points to."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from broadcaster import airlog, db
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.airplan.store import (
    StoredItem,
    load_plan,
    prune,
    save_plan,
    withdraw_render,
)
from broadcaster.config import load_settings
from broadcaster.db.schema import plan_items, plan_reasons, plan_segments

ZONE = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 11, 29, 20, 0, tzinfo=ZONE)
SEGMENTS = [  # bulletin, title, form, sha256, file, seconds, priority
    ("f07", "Giả danh công ty tài chính", 7, "7" * 64, "f07-77.mp3", 61.5, "normal"),
    ("f02", "Cuộc gọi video deepfake", 2, "2" * 64, "f02-22.mp3", 48.25, "priority"),
    ("tb-lu", "Cảnh báo lũ", None, "a" * 64, "tb-lu-aa.mp3", 30.0, "emergency"),
]


def items(day: dt.date, stations=("an-hoa", "co-am"), segments=SEGMENTS) -> list[StoredItem]:
    made = []
    for station in stations:
        position = 0
        for hour in (6, 17):
            start = dt.datetime.combine(day, dt.time(hour, 30), ZONE)
            for n, (bulletin, title, form, sha, file, seconds, priority) in enumerate(segments):
                position += 1
                made.append(
                    StoredItem(day, station, start, position,
                               start + dt.timedelta(seconds=70 * n), bulletin, sha,
                               file, seconds, priority, f"rotation: {bulletin} due", title, form)
                )  # fmt: skip
    return made


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar()


@pytest.fixture
def engine(settings):
    return db.connect(settings.database)


def test_a_saved_day_reads_back_item_for_item(engine):
    saved = items(MONDAY)
    save_plan(engine, MONDAY, saved, now=NOW)
    assert load_plan(engine, MONDAY, ZONE) == saved
    assert load_plan(engine, MONDAY, ZONE, "co-am") == [i for i in saved if i.station_id == "co-am"]
    assert load_plan(engine, MONDAY + dt.timedelta(days=1), ZONE) == []


def test_days_share_their_segments_and_replanning_adds_none(engine):
    tuesday = MONDAY + dt.timedelta(days=1)
    save_plan(engine, MONDAY, items(MONDAY), now=NOW)
    save_plan(engine, tuesday, items(tuesday), now=NOW)
    save_plan(engine, MONDAY, items(MONDAY), now=NOW)
    assert (count(engine, plan_segments), count(engine, plan_reasons)) == (3, 3)
    assert count(engine, plan_items) == 2 * len(items(MONDAY))
    retitled = [SEGMENTS[0][:1] + ("Tiêu đề mới",) + SEGMENTS[0][2:]]
    save_plan(engine, tuesday, items(tuesday, segments=retitled), now=NOW)
    assert load_plan(engine, tuesday, ZONE)[0].title == "Tiêu đề mới"
    assert load_plan(engine, MONDAY, ZONE) == items(MONDAY)


def test_a_national_day_stores_each_segment_and_reason_once(run_cli, rendered, tmp_path):
    stations = tmp_path / "stations.yaml"
    stations.write_text(schedule(300), encoding="utf-8")
    env = {"BROADCASTER_SCHEDULE__STATIONS": str(stations)}
    assert run_cli("approve", "--all", env=env).exit_code == 0
    planned = run_cli("plan", "--date", str(MONDAY), env=env)
    assert planned.exit_code == 0, planned.output
    settings = load_settings(environ={"BROADCASTER_DATA_DIR": str(rendered)})
    engine = db.connect(settings.database)
    stored = load_plan(engine, MONDAY, ZONE)

    assert len({i.station_id for i in stored}) == 301  # the producer and 300 communes
    assert count(engine, plan_items) == len(stored) > 301 * 2 * 3
    assert count(engine, plan_segments) == len({i.file for i in stored}) == 5
    assert count(engine, plan_reasons) == len({i.reason for i in stored}) < len(stored) / 50
    save_plan(engine, MONDAY, stored, now=NOW)  # what was read is what was planned
    assert load_plan(engine, MONDAY, ZONE) == stored


def schedule(communes: int) -> str:
    lines = [
        "timezone: Asia/Ho_Chi_Minh",
        "producer: {id: nguon-tinh, name: Nguồn tỉnh, level: province, slots: "
        '[{days: daily, start: "6:00", minutes: 30}]}',
        "communes:",
    ]
    for n in range(communes):
        lines += [
            f"  - id: xa-{n:04d}",
            f"    name: Xã số {n}",
            "    slots:",
            f'      - {{days: daily, start: "6:{n % 4 * 10:02d}", minutes: {(10, 20)[n % 2]}}}',
            f'      - {{days: daily, start: "17:{n % 3 * 15:02d}", minutes: 15}}',
        ]
    return "\n".join(lines) + "\n"


def test_prune_keeps_what_the_log_points_to_and_drops_orphan_segments(engine):
    old, kept = MONDAY - dt.timedelta(days=200), MONDAY
    logged = items(old, stations=("co-am",))[0]
    save_plan(engine, old, items(old, segments=SEGMENTS + [flood("tb-cu")]), now=NOW)
    save_plan(engine, kept, items(kept), now=NOW)
    airlog.record(engine, aired(logged))

    assert prune(engine, old, old) == 4 * 4 - 1

    assert load_plan(engine, old, ZONE) == [logged]
    assert load_plan(engine, kept, ZONE) == items(kept)
    with engine.connect() as connection:
        files = connection.execute(select(plan_segments.c.file)).scalars().all()
    assert sorted(files) == sorted(s[4] for s in SEGMENTS)  # tb-cu's went with its items
    assert count(engine, plan_reasons) == 3


def test_withdrawn_audio_leaves_the_plans_after_the_moment(engine):
    save_plan(engine, MONDAY, items(MONDAY), now=NOW)
    noon = dt.datetime.combine(MONDAY, dt.time(12), ZONE)
    assert withdraw_render(engine, "2" * 64, after=noon) == [MONDAY]
    left = load_plan(engine, MONDAY, ZONE)
    withdrawn = [i for i in left if i.render_sha256 == "2" * 64]
    assert withdrawn and all(i.starts_at < noon for i in withdrawn)
    assert len(left) == len(items(MONDAY)) - 2


def flood(bulletin: str) -> tuple:
    return (bulletin, "Lũ cũ", None, "c" * 64, f"{bulletin}.mp3", 20.0, "emergency")


def aired(item: StoredItem) -> Airing:
    return Airing(
        station_id=item.station_id,
        bulletin_id=item.bulletin_id,
        render_sha256=item.render_sha256,
        outcome=Outcome.AIRED,
        source=Source.OPERATOR,
        recorded_by="canbo",
        recorded_at=item.starts_at + dt.timedelta(minutes=5),
        form=item.form,
        scheduled_at=item.starts_at,
        started_at=item.starts_at,
    )
