"""Writing a day: real renders (ffmpeg MP3s), the real planner, real files, links and zips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from broadcaster.errors import BroadcasterError, RenderError
from broadcaster.playlists import write_calendar, write_day, write_station_day, writer
from broadcaster.playlists.sessions import clock, whole_seconds

from .factories import PEAK_DAY, ZONE
from .readers import events, parse_html, parse_m3u8, utc

TEXT_FILES = ["lich-phat.html", "lich-phat.txt", "playlist.m3u8"]


@pytest.fixture
def write(plan_items, renders, network, campaigns, out_root):
    """write_day on PEAK_DAY, the planned items unless others are given."""

    def run(items=None, **options):
        options.setdefault("renders_dir", renders)
        return write_day(
            PEAK_DAY,
            plan_items(PEAK_DAY) if items is None else items,
            network,
            out_root=out_root,
            campaigns=campaigns,
            **options,
        )

    return run


@pytest.fixture
def day_dir(out_root) -> Path:
    return out_root / PEAK_DAY.isoformat()


def station_items(items, station_id):
    return sorted((i for i in items if i.station_id == station_id), key=lambda i: i.position)


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every path under ``root``: its inode and, for files, a hash of its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.name == ".lock":
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        found[str(path.relative_to(root))] = (path.stat().st_ino, digest)
    return found


def leftovers(day_dir: Path) -> list[str]:
    return [p.name for p in day_dir.iterdir() if p.name.startswith((".tmp-", ".old-"))]


def test_every_station_gets_its_day_in_airing_order_bound_to_the_renders(
    write, plan_items, renders, network, campaigns
):
    items = plan_items(PEAK_DAY)
    folders = write(items)
    with_items = [s.id for s in network.stations if station_items(items, s.id)]
    assert [f.name for f in folders] == with_items and len(with_items) == 14
    for folder in folders:
        mine = station_items(items, folder.name)
        parsed = parse_m3u8((folder / "playlist.m3u8").read_text("utf-8"))
        assert [title for _, title, _ in parsed] == [
            f"{n:02d} - {i.title}" for n, i in enumerate(mine, start=1)
        ]
        assert [seconds for seconds, _, _ in parsed] == [whole_seconds(i.duration_s) for i in mine]
        files = [name for _, _, name in parsed]
        assert files == sorted(files)  # a folder listing is the airing order
        assert sorted(p.name for p in folder.iterdir()) == sorted(files + TEXT_FILES)
        for name, item in zip(files, mine, strict=True):
            aired, render = folder / name, renders / item.file
            assert aired.read_bytes() == render.read_bytes()
            assert aired.stat().st_ino == render.stat().st_ino  # a hard link: no copy
            assert name.endswith(f"-{item.bulletin_id}.mp3")


def test_session_headers_carry_the_peak_months_longer_slots(write, network, campaigns):
    folders = write()
    peak = campaigns[0].peak
    for folder in folders:
        station = network.get(folder.name)
        headers = [
            line
            for line in (folder / "playlist.m3u8").read_text("utf-8").splitlines()
            if line.startswith("# Buổi phát ")
        ]
        expected = [f"({s.minutes + peak.extra_minutes} phút)" for s in station.slots]
        expected += [f"({s.minutes} phút)" for s in peak.extra_slots]
        assert sorted(h.rsplit(" ", 2)[-2] + " phút)" for h in headers) == sorted(expected)


def test_the_printed_schedules_list_every_item(write, plan_items):
    items = plan_items(PEAK_DAY)
    for folder in write(items)[:3]:
        mine = station_items(items, folder.name)
        text = (folder / "lich-phat.txt").read_bytes().decode("utf-8")
        assert text.count("[ ] ") == len(mine)
        page = parse_html((folder / "lich-phat.html").read_text("utf-8"))
        rows = [r for r in page.rows if r and r[0].isdigit()]
        assert [r[2] for r in rows] == [i.title for i in mine]
        for item in mine:
            assert f"{clock(item.starts_at)}  {item.title}" in text


def test_the_zip_is_exactly_the_folder_stored_with_utf8_names(write, tmp_path):
    folder = write()[2]
    top = f"{PEAK_DAY.isoformat()}-{folder.name}/"
    with zipfile.ZipFile(folder.with_name(f"{folder.name}.zip")) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert infos[0].filename == top and infos[0].is_dir()
        names = [info.filename.removeprefix(top) for info in infos[1:]]
        assert names == sorted(p.name for p in folder.iterdir())  # airing order, then the texts
        assert all(info.compress_type == zipfile.ZIP_STORED for info in infos)
        assert all(info.filename.isascii() for info in infos)  # safe in any unzip
        archive.extractall(tmp_path / "unzipped")
    unzipped = tmp_path / "unzipped" / top
    for path in folder.iterdir():
        assert (unzipped / path.name).read_bytes() == path.read_bytes()


def test_times_stay_vietnamese_on_a_utc_server(write, plan_items, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        folder = write()[2]
    finally:
        monkeypatch.undo()
        time.tzset()
    first = station_items(plan_items(PEAK_DAY), folder.name)[0]
    local = clock(first.starts_at.astimezone(ZONE))
    assert local.startswith("06:")  # a morning session, not 23:xx the day before
    assert f"[ ] 01. {local}  " in (folder / "lich-phat.txt").read_text("utf-8")
    with zipfile.ZipFile(folder.with_name(f"{folder.name}.zip")) as archive:
        info = archive.infolist()[1]
    mtime = (folder / info.filename.split("/")[1]).stat().st_mtime
    written = dt.datetime.fromtimestamp(mtime, ZONE)
    assert info.date_time[:5] == written.timetuple()[:5]  # zip keeps 2 s; compare to the minute


def test_rewriting_a_day_replaces_it_and_removes_what_is_stale(write, plan_items, day_dir):
    items = plan_items(PEAK_DAY)
    write(items)
    (day_dir / "co-am" / "99-2300-cu.mp3").write_bytes(b"an older plan")
    (day_dir / "xa-da-sap-nhap").mkdir()  # a station no longer in the plan
    (day_dir / "xa-da-sap-nhap" / "playlist.m3u8").write_text("#EXTM3U\n")
    (day_dir / "xa-da-sap-nhap.zip").write_bytes(b"PK")
    (day_dir / ".tmp-co-am-crashed").mkdir()  # what a crashed run left

    without_noon = [i for i in items if i.slot_start.astimezone(ZONE).hour != 11]
    folders = write(without_noon)
    stations = [f.name for f in folders]
    assert sorted(p.name for p in day_dir.iterdir()) == sorted(
        [".lock", *stations, *(f"{s}.zip" for s in stations)]
    )
    for folder in folders:
        listed = [name for _, _, name in parse_m3u8((folder / "playlist.m3u8").read_text("utf-8"))]
        assert sorted(p.name for p in folder.iterdir()) == sorted(listed + TEXT_FILES)
        assert not any("-1100-" in name for name in listed)
        with zipfile.ZipFile(folder.with_name(f"{folder.name}.zip")) as archive:
            assert len(archive.namelist()) == 1 + len(listed) + len(TEXT_FILES)


def first_use(items, network, bulletin_id):
    """The station and entry number where ``bulletin_id`` is first met in network order."""
    for station in network.stations:
        for number, item in enumerate(station_items(items, station.id), start=1):
            if item.bulletin_id == bulletin_id:
                return station.id, f"{number:02d}"
    raise AssertionError(bulletin_id)


def test_a_missing_render_refuses_and_leaves_the_day_as_it_was(
    write, plan_items, renders, network, day_dir
):
    items = plan_items(PEAK_DAY)
    write(items)
    before = snapshot(day_dir)
    victim = next(i for i in items if i.form == 7)
    (renders / victim.file).unlink()
    with pytest.raises(RenderError) as raised:
        write(items)
    station_id, label = first_use(items, network, victim.bulletin_id)
    message = str(raised.value)
    assert f"station '{station_id}'" in message and f"item {label}" in message
    assert victim.bulletin_id in message and victim.file in message and "missing" in message
    assert snapshot(day_dir) == before
    assert leftovers(day_dir) == []


def test_audio_that_is_not_the_approved_audio_is_refused(write, plan_items, renders, day_dir):
    items = plan_items(PEAK_DAY)
    write(items)
    before = snapshot(day_dir)
    victim = next(i for i in items if i.form == 3)
    other = next(i for i in items if i.file != victim.file)
    path = renders / victim.file
    path.unlink()  # replaced, as a re-render into the same name would: a new file
    shutil.copyfile(renders / other.file, path)
    with pytest.raises(RenderError, match="is not the approved audio") as raised:
        write(items)
    assert victim.file in str(raised.value)
    assert snapshot(day_dir) == before
    assert leftovers(day_dir) == []
    for aired in day_dir.glob(f"*/*-{victim.bulletin_id}.mp3"):
        assert hashlib.sha256(aired.read_bytes()).hexdigest() == victim.render_sha256


@pytest.fixture
def renders_elsewhere(render_set, tmp_path):
    """The renders on another filesystem (tmpfs), where no hard link can reach."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on another filesystem than the temporary directory")
    folder = Path(tempfile.mkdtemp(dir=shm, prefix="renders-"))
    shutil.copytree(render_set[0], folder, dirs_exist_ok=True)
    yield folder
    shutil.rmtree(folder)


def test_across_filesystems_the_renders_are_copied_and_checked(
    plan_items, renders_elsewhere, network, campaigns, out_root, caplog
):
    items = plan_items(PEAK_DAY)
    with caplog.at_level(logging.WARNING, logger="broadcaster.playlists"):
        folder = write_station_day(
            network.get("co-am"),
            PEAK_DAY,
            items,
            renders_dir=renders_elsewhere,
            out_root=out_root,
            campaigns=campaigns,
        )
    assert sum("copying them instead" in r.getMessage() for r in caplog.records) == 1
    mine = station_items(items, "co-am")
    listed = [name for _, _, name in parse_m3u8((folder / "playlist.m3u8").read_text("utf-8"))]
    for name, item in zip(listed, mine, strict=True):
        aired, render = folder / name, renders_elsewhere / item.file
        assert aired.read_bytes() == render.read_bytes()
        assert aired.stat().st_dev != render.stat().st_dev and aired.stat().st_nlink == 1


def test_folders_and_files_are_readable_by_the_panel_and_other_users(write, day_dir):
    folder = write()[0]
    assert folder.stat().st_mode & 0o777 == 0o755
    for name in TEXT_FILES:
        assert (folder / name).stat().st_mode & 0o777 == 0o644
    assert folder.with_name(f"{folder.name}.zip").stat().st_mode & 0o777 == 0o644


def test_one_station_can_be_rewritten_alone(
    write, plan_items, renders, network, campaigns, out_root, day_dir
):
    items = plan_items(PEAK_DAY)
    write(items)
    before = snapshot(day_dir)
    folder = write_station_day(
        network.get("co-am"),
        PEAK_DAY,
        items,
        renders_dir=renders,
        out_root=out_root,
        zone=network.zone,
        campaigns=campaigns,
    )
    after = snapshot(day_dir)
    assert folder == day_dir / "co-am"
    others = {k: v for k, v in before.items() if not k.startswith("co-am")}
    assert {k: v for k, v in after.items() if not k.startswith("co-am")} == others
    assert after["co-am"][0] != before["co-am"][0]  # a new folder, swapped in
    assert {k for k in after if k.startswith("co-am")} == {
        k for k in before if k.startswith("co-am")
    }


def test_a_station_with_nothing_planned_is_an_error(network, renders, out_root):
    with pytest.raises(BroadcasterError, match="nothing is planned for co-am"):
        write_station_day(
            network.get("co-am"), PEAK_DAY, [], renders_dir=renders, out_root=out_root
        )


def test_an_empty_plan_is_an_error_not_a_wipe(write, day_dir):
    write()
    before = snapshot(day_dir)
    with pytest.raises(BroadcasterError, match="nothing is planned on 2023-08-07"):
        write([])
    assert snapshot(day_dir) == before


def test_a_plan_naming_a_station_the_schedule_lacks_is_refused(write, plan_items, out_root):
    items = plan_items(PEAK_DAY)
    ghost = dataclasses.replace(items[0], station_id="xa-da-giai-the")
    with pytest.raises(BroadcasterError, match="xa-da-giai-the"):
        write([*items, ghost])
    assert not out_root.exists()


def test_zips_can_be_left_to_download_time(write, day_dir):
    write()
    folders = write(zips=False)
    assert list(day_dir.glob("*.zip")) == []
    assert all((f / "playlist.m3u8").is_file() for f in folders)


def test_a_calendar_covers_a_stations_sessions_over_several_days(
    plan_items, network, campaigns, tmp_path
):
    days = [PEAK_DAY + dt.timedelta(days=n) for n in range(3)]
    items = [item for day in days for item in plan_items(day)]
    station = network.get("co-am")
    mine = [i for i in items if i.station_id == station.id]
    path = write_calendar(
        station,
        items,
        tmp_path / "co-am.ics",
        zone=network.zone,
        campaigns=campaigns,
        now=dt.datetime(2023, 8, 1, tzinfo=dt.UTC),
    )
    found = events(path.read_bytes())
    starts = sorted({i.slot_start for i in mine})
    assert [utc(e["DTSTART"]) for e in found] == starts
    peak = campaigns[0].peak
    for event in found:
        start = utc(event["DTSTART"]).astimezone(ZONE)
        slot = next((s for s in station.slots if s.start == start.time()), None)
        minutes = slot.minutes + peak.extra_minutes if slot else peak.extra_slots[0].minutes
        assert utc(event["DTEND"]) - utc(event["DTSTART"]) == dt.timedelta(minutes=minutes)
        assert event["SUMMARY"] == f"Phát thanh phòng chống lừa đảo – {station.name}"
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o644)


def test_a_render_replaced_while_the_day_is_written_is_caught(
    write, plan_items, renders, day_dir, monkeypatch
):
    items = plan_items(PEAK_DAY)
    write(items)
    before = snapshot(day_dir)
    victim = next(i for i in items if i.form == 7)
    real_zip_folder = writer.zip_folder

    def zip_and_replace(*args, **kwargs):  # runs once per station, after its links
        path = renders / victim.file
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)  # the same bytes, but another file than the one checked
        monkeypatch.setattr(writer, "zip_folder", real_zip_folder)
        return real_zip_folder(*args, **kwargs)

    monkeypatch.setattr(writer, "zip_folder", zip_and_replace)
    with pytest.raises(RenderError, match="changed while the playlists were written"):
        write(items)
    assert snapshot(day_dir) == before
    assert leftovers(day_dir) == []


@pytest.mark.parametrize("many", [False, True], ids=["fsync-per-file", "syncfs"])
def test_what_was_written_is_on_disk_before_the_swap_without_syncing_the_machine(
    write, day_dir, monkeypatch, many
):
    """Before any folder is renamed into place, every new file and folder is fsynced
    (a few stations) or their filesystem is flushed (many); never sync(2), which
    waits for every filesystem's pending writes. The day is whole when the call
    returns, with nothing temporary left."""
    if many:
        monkeypatch.setattr(writer, "SYNC_ALL_FROM", 1)
    events: list[tuple[str, str]] = []
    real_fsync, real_rename = os.fsync, os.rename
    real_syncfs = getattr(writer, "_syncfs", lambda path: False)

    def fsync(handle):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{handle}")))
        real_fsync(handle)

    def rename(source, target):
        events.append(("rename", os.fspath(source)))
        real_rename(source, target)

    def syncfs(path):
        done = real_syncfs(path)
        events.append(("syncfs", str(path) if done else ""))
        return done

    def no_sync():
        raise AssertionError("sync(2) waits on the whole machine")

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "sync", no_sync)
    monkeypatch.setattr(writer, "_syncfs", syncfs, raising=False)
    folders = write(zips=False)

    first_swap = next(n for n, (kind, _) in enumerate(events) if kind == "rename")
    before = events[:first_swap]
    temps = [Path(path) for kind, path in events if kind == "rename" and ".tmp-" in path]
    assert sorted(t.name.rsplit("-", 1)[0] for t in temps) == sorted(
        f".tmp-{f.name}" for f in folders
    )
    if many:
        ((kind, flushed),) = before
        assert kind == "syncfs" and Path(flushed).parent == day_dir
    else:
        synced = {path for kind, path in before if kind == "fsync"}
        for temp in temps:
            assert str(temp) in synced  # its entries: the linked audio and the text files
            assert {str(temp / name) for name in TEXT_FILES} <= synced
    for folder in folders:
        assert all((folder / name).stat().st_size > 0 for name in TEXT_FILES)
    assert [p.name for p in day_dir.iterdir() if p.name.startswith((".tmp-", ".old-"))] == []
