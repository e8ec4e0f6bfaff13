"""Approval and planning from the command line: only approved audio reaches the air."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy

from broadcaster import approval, audit, db
from broadcaster.airplan.store import load_plan
from broadcaster.config import load_settings
from broadcaster.render.manifest import load_manifest

MONDAY = dt.date(2026, 11, 30)
SUNDAY = dt.date(2026, 11, 29)
ZONE = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def engine(repo, rendered):
    settings = load_settings(environ={"BROADCASTER_DATA_DIR": str(rendered)})
    return db.connect(settings.database)


def stored(engine, day, station_id=None):
    return load_plan(engine, day, ZONE, station_id)


def test_nothing_is_planned_before_approval(run_cli, rendered):
    result = run_cli("plan", "--date", str(MONDAY))
    assert result.exit_code == 1
    assert "no approved audio to plan" in result.output
    assert "broadcaster approve" in result.output


def test_approve_binds_the_decision_to_the_exact_audio(run_cli, rendered, engine):
    result = run_cli("approve", "--all", "--by", "Nguyễn Thị Hoa")
    assert result.exit_code == 0, result.output
    renders = load_manifest(rendered)
    decisions = approval.latest_decisions(engine)
    assert {d.render_sha256 for d in decisions.values()} == {r.sha256 for r in renders.values()}
    assert {d.decided_by for d in decisions.values()} == {"Nguyễn Thị Hoa"}
    assert set(approval.approved_renders(renders, decisions)) == set(renders)
    assert len(renders) == 5


def test_a_rejected_render_is_never_planned(run_cli, rendered, engine):
    run_cli("approve", "--all")
    rejected = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"
    result = run_cli("approve", rejected, "--reject", "--comment", "giọng đọc sai dấu")
    assert result.exit_code == 0 and f"rejected {rejected}" in result.output
    run_cli("plan", "--date", str(MONDAY))
    planned = {item.bulletin_id for item in stored(engine, MONDAY)}
    assert rejected not in planned
    assert "f02-cuoc-goi-video-deepfake" in planned


def test_a_new_render_needs_a_new_approval(run_cli, rendered, engine):
    run_cli("approve", "--all")
    manifest_file = rendered / "renders" / "manifest.json"
    document = json.loads(manifest_file.read_text(encoding="utf-8"))
    # As if the text had been edited and rendered again: other audio, no decision yet.
    document["renders"]["mo-dau"]["sha256"] = "0" * 64
    manifest_file.write_text(json.dumps(document), encoding="utf-8")
    renders = load_manifest(rendered)
    approved = approval.approved_renders(renders, approval.latest_decisions(engine))
    assert "mo-dau" not in approved and len(approved) == len(renders) - 1


def test_approve_refuses_what_was_never_rendered(run_cli, rendered):
    result = run_cli("approve", "f24-cho-so-danh-de")
    assert result.exit_code == 1
    assert (
        "f24-cho-so-danh-de has no render yet (broadcaster render) [not-rendered]" in result.output
    )
    assert run_cli("approve").exit_code == 1


def test_plan_stores_a_plan_bound_to_approved_audio(run_cli, rendered, engine):
    run_cli("approve", "--all")
    result = run_cli("plan", "--date", str(MONDAY))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2026-11-30 (Thứ hai): 14 of 14 stations on air, 28 slots")
    renders = load_manifest(rendered)
    items = stored(engine, MONDAY)
    assert {item.station_id for item in items} >= {"dai-huyen-vinh-bao", "tam-cuong", "co-am"}
    for item in items:
        assert item.render_sha256 == renders[item.bulletin_id].sha256
        assert item.starts_at.utcoffset() == dt.timedelta(hours=7)
    morning = [i for i in stored(engine, MONDAY, "co-am") if i.slot_start.hour == 6]
    assert morning[0].starts_at.time() == dt.time(6, 30)
    # Opening first; the two priority bulletins next, before anything else.
    assert [i.bulletin_id for i in morning[:3]] == [
        "mo-dau",
        "f02-cuoc-goi-video-deepfake",
        "f14-gia-danh-cong-an-vien-kiem-sat-toa-an",
    ]
    assert morning[-1].bulletin_id == "ket-thuc"


def test_weekday_only_communes_are_off_air_on_sunday(run_cli, rendered, engine):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(SUNDAY))
    stations = {item.station_id for item in stored(engine, SUNDAY)}
    assert stations == {"dai-huyen-vinh-bao", "tt-vinh-bao", "tam-cuong"}


def test_replanning_a_day_replaces_it(run_cli, rendered, engine):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(MONDAY))
    first = stored(engine, MONDAY)
    run_cli("plan", "--date", str(MONDAY))
    assert stored(engine, MONDAY) == first


def test_explain_says_why_each_item_is_there(run_cli, rendered):
    run_cli("approve", "--all")
    result = run_cli("plan", "--date", str(MONDAY), "--explain")
    assert "co-am (Xã Cổ Am)" in result.output
    assert "opening of the programme" in result.output
    assert "priority (uu_tien): before the rotation, once a day while valid" in result.output
    assert "rotation: form 7 not yet aired at this station" in result.output


def test_check_names_forms_that_would_never_air(run_cli, rendered):
    run_cli("approve", "--all")
    result = run_cli("plan", "--date", str(MONDAY), "--check")
    assert result.exit_code == 0, result.output
    assert "cao-diem-tet-2027 (2026-12-01..2027-02-28" in result.output
    # Only form 7 is a normal approved bulletin: the others have no audio at all.
    assert "form 1: no approved audio" in result.output
    assert "form 7: no approved audio" not in result.output


def test_playlists_command_writes_every_station_of_the_day(run_cli, rendered):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(MONDAY))
    result = run_cli("playlists", "--date", str(MONDAY))
    assert result.exit_code == 0, result.output
    day_dir = rendered / "playlists" / str(MONDAY)
    assert result.output.startswith(f"14 station playlists for {MONDAY}")
    playlist = (day_dir / "co-am" / "playlist.m3u8").read_text(encoding="utf-8")
    assert playlist.startswith("#EXTM3U") and "Xã Cổ Am" in playlist
    assert (day_dir / "co-am.zip").is_file()


def test_playlists_without_zips_leave_the_audio_uncopied(run_cli, rendered):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(MONDAY))
    assert run_cli("playlists", "--date", str(MONDAY), "--no-zips").exit_code == 0
    day_dir = rendered / "playlists" / str(MONDAY)
    assert not list(day_dir.glob("*.zip"))
    first = sorted((day_dir / "co-am").glob("*.mp3"))[0]
    assert first.stat().st_nlink > 1  # a hard link to the approved render, not a copy


def test_ics_command_exports_a_station_calendar(run_cli, rendered, tmp_path):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(MONDAY), "--days", "2")
    target = tmp_path / "co-am.ics"
    result = run_cli("ics", "--station", "co-am", "--date", str(MONDAY), "--output", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 4  # two sessions a day, two days
    assert run_cli("ics", "--station", "khong-co").exit_code == 1


def test_playlists_before_planning_is_a_clear_error(run_cli, rendered):
    result = run_cli("playlists", "--date", "2030-01-07")
    assert result.exit_code == 1
    assert "nothing is planned on 2030-01-07: plan the day first" in result.output


def test_check_forecasts_from_the_date_up_to_the_horizon(run_cli, rendered):
    run_cli("approve", "--all")
    result = run_cli("plan", "--date", str(MONDAY), "--check", "--horizon", "1")
    assert result.exit_code == 0, result.output
    assert "thuong-xuyen (2024-01-01..2030-12-31" in result.output
    assert "forecast 2026-11-30..2026-11-30" in result.output
    assert "cao-diem-tet-2027 (2026-12-01..2027-02-28, every form" in result.output
    assert "starts after the horizon" in result.output


def test_rejecting_planned_audio_takes_it_out_of_the_plan(run_cli, rendered, engine):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(MONDAY))
    assert "mo-dau" in {item.bulletin_id for item in stored(engine, MONDAY)}
    result = run_cli("approve", "mo-dau", "--reject", "--comment", "sai số điện thoại")
    assert result.exit_code == 0, result.output
    assert f"taken out of the plans of {MONDAY}" in result.output
    left = stored(engine, MONDAY)
    assert left and "mo-dau" not in {item.bulletin_id for item in left}


def test_rejecting_the_only_planned_audio_leaves_no_playlist_offering_it(run_cli, rendered, engine):
    f07 = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"
    run_cli("approve", f07)
    run_cli("plan", "--date", str(MONDAY))
    run_cli("playlists", "--date", str(MONDAY), "--no-zips")
    assert (rendered / "playlists" / str(MONDAY)).is_dir()
    refused = run_cli("approve", f07, "--reject")  # a rejection needs a reason
    assert refused.exit_code == 1 and "[reject-reason-required]" in refused.output
    result = run_cli("approve", f07, "--reject", "--comment", "đọc sai số điện thoại")
    assert result.exit_code == 0, result.output
    assert stored(engine, MONDAY) == []
    assert not (rendered / "playlists" / str(MONDAY)).exists()


def test_playlists_command_removes_day_folders_past_keep_days(run_cli, rendered):
    run_cli("approve", "--all")
    run_cli("plan", "--date", str(MONDAY))
    old = rendered / "playlists" / "2026-01-05" / "co-am"
    old.mkdir(parents=True)
    (rendered / "playlists" / "calendars").mkdir()
    result = run_cli("playlists", "--date", str(MONDAY), "--no-zips")
    assert result.exit_code == 0, result.output
    assert "removed 1 day folders older than 7 days: 2026-01-05" in result.output
    assert not old.parent.exists()
    assert (rendered / "playlists" / "calendars").is_dir()
    assert (rendered / "playlists" / str(MONDAY) / "co-am" / "playlist.m3u8").is_file()


def test_approve_all_approves_only_what_nobody_decided_on_and_audits_who(run_cli, rendered, engine):
    f07 = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"
    run_cli("approve", f07, "--reject", "--comment", "sai dấu", "--by", "hoa")
    first = run_cli("approve", "--all", "--by", "lan")
    assert first.exit_code == 0 and "4 renders nobody had decided on" in first.output
    again = run_cli("approve", "--all", "--by", "lan")
    assert again.exit_code == 0 and "0 renders nobody had decided on" in again.output
    with engine.connect() as connection:
        rows = connection.execute(sqlalchemy.select(db.approvals.c.id)).all()
    assert len(rows) == 5  # no duplicate decisions
    assert [d.verdict.value for d in approval.decisions_for(engine, f07)] == ["rejected"]

    named = run_cli("approve", f07, "--by", "lan")  # rejected audio needs --reconsider
    assert named.exit_code == 1 and "[rejected-before]" in named.output
    assert run_cli("approve", f07, "--by", "lan", "--reconsider").exit_code == 0
    trail = [(e.actor, e.action, e.target) for e in audit.recent(engine)]
    assert trail[0] == ("lan", "approve", f07)
    assert ("hoa", "reject", f07) in trail
    assert sum(1 for actor, action, _ in trail if (actor, action) == ("lan", "approve")) == 5


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 31, 23, 59, 30, tzinfo=ZONE),  # today becomes tomorrow meanwhile
        dt.datetime(2031, 3, 3, 5, 0, tzinfo=ZONE),  # after every shipped campaign has ended
    ],
    ids=["new-year's eve", "2031"],
)
def test_the_demo_job_plans_today_on_any_day(run_cli, rendered, engine, clock, moment):
    """`make demo` runs approve --all, plan and playlists for "today": whatever day that is."""
    clock.set(moment)
    assert run_cli("approve", "--all", "--by", "demo").exit_code == 0
    planned = run_cli("plan")
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith(f"{moment.date()} (")
    written = run_cli("playlists", "--no-zips")
    assert written.exit_code == 0, written.output
    assert stored(engine, moment.date()) != []
    assert (rendered / "playlists" / moment.date().isoformat()).is_dir()
