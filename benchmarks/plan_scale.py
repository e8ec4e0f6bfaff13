"""Planning and writing one day for every commune of Vietnam. Run by hand:

    .venv/bin/python benchmarks/plan_scale.py [--stations 3321] [--dir DIR] [--no-zips]

In one run: a network of 3,321 commune stations (two 15-minute slots each) and
a producer, built in memory; 24 bulletins of about 90 s as real MP3 files
(ffmpeg; 8 kbit/s by default to keep the disk small: --kbps changes it); one
day planned with the real planner and bound with ``items_from_plan``; every
station's folder written with the real writer, first without zips, then again
(a re-plan) without zips, then into a fresh tree with zips. As a baseline, the
same number of files is hard-linked with plain ``os.link`` into a fresh tree.

Goals: a whole day (plan + write) < 10 s and < 500 MB; disk growth independent
of the number of stations apart from the text files and the zips.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from broadcaster.airplan.store import items_from_plan
from broadcaster.library.bulletins import Priority, load_library
from broadcaster.planning.campaigns import Campaign, Coverage
from broadcaster.planning.planner import Segment, plan_day
from broadcaster.planning.slots import Slot
from broadcaster.planning.stations import Level, Network, Station
from broadcaster.playlists import write_day, writer
from broadcaster.playlists.formats import playlist_m3u8, schedule_text
from broadcaster.playlists.printable import schedule_html
from broadcaster.playlists.sessions import slot_minutes, station_day
from broadcaster.render.manifest import RenderRecord, file_sha256

REPO = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)  # a Monday
COMMUNES = 3321  # since 1 July 2025
REAL_KBPS = 96  # mastering.bitrate_kbps in defaults.yaml
NAMES = ("Tam Cường", "Cổ Am", "Vĩnh Tiến", "Trấn Dương", "Hòa Bình", "Thắng Thủy", "Đồng Minh")


def network(communes: int) -> Network:
    weekdays = frozenset(range(5))
    slots = (Slot(weekdays, dt.time(6, 30), 15), Slot(weekdays, dt.time(17, 30), 15))
    producer = Station(
        "nguon-tinh",
        "Hệ thống thông tin nguồn tỉnh",
        Level.PROVINCE,
        (
            Slot(frozenset(range(7)), dt.time(6, 0), 30),
            Slot(frozenset(range(7)), dt.time(17, 0), 30),
        ),
    )
    stations = tuple(
        Station(f"xa-{n:04d}", f"Xã {NAMES[n % len(NAMES)]} {n}", Level.COMMUNE, slots)
        for n in range(1, communes + 1)
    )
    return Network(producer, stations)


def make_renders(folder: Path, kbps: int) -> tuple[list[Segment], dict[str, RenderRecord]]:
    """24 bulletins of 80 to 100 s, as real MP3s made in one ffmpeg run."""
    titles = {b.form: b.title for b in load_library(REPO / "bulletins") if b.form is not None}
    seconds = {form: 80.0 + (form * 7) % 21 for form in range(1, 25)}
    inputs, outputs = [], []
    for index, form in enumerate(seconds):
        inputs += ["-f", "lavfi", "-i", f"sine=frequency={200 + 20 * form}:d={seconds[form]}"]
        outputs += ["-map", f"{index}:a", "-ac", "1", "-ar", "8000" if kbps <= 16 else "44100"]
        outputs += ["-b:a", f"{kbps}k", str(folder / f"f{form:02d}.mp3")]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, *outputs], check=True)
    segments, records = [], {}
    for form, length in seconds.items():
        bulletin_id = f"f{form:02d}"
        made = folder / f"{bulletin_id}.mp3"
        sha = file_sha256(made)
        name = f"{bulletin_id}-{sha[:12]}.mp3"
        made.rename(folder / name)
        records[bulletin_id] = RenderRecord(
            bulletin_id, name, sha, length, length, -16.0, -1.0, "espeak", "vi", False,
            "", "", "default", "2026-11-01T08:00:00+07:00",
        )  # fmt: skip
        segments.append(
            Segment(bulletin_id, form, Priority.THUONG, length, dt.date(2026, 1, 1), None,
                    titles[form])
        )  # fmt: skip
    return segments, records


def format_all(items, net: Network, campaign: Campaign) -> int:
    """The pure part of writing: every station's day and its three texts."""
    by_station: dict[str, list] = {}
    for item in items:
        by_station.setdefault(item.station_id, []).append(item)
    size = 0
    for station in net.stations:
        lengths = slot_minutes(station, DAY, campaign)
        day = station_day(station, DAY, by_station[station.id], zone=net.zone, slot_minutes=lengths)
        size += len(playlist_m3u8(day)) + len(schedule_text(day)) + len(schedule_html(day))
    return size


def disk_usage(root: Path, exclude: set[tuple[int, int]]) -> dict[str, int]:
    """Bytes allocated under ``root`` by kind, each inode once, ``exclude``d inodes not at all."""
    seen = set(exclude)
    usage = {"dirs": 0, "text": 0, "zips": 0, "audio copies": 0}
    for path in [root, *root.rglob("*")]:
        stat = path.lstat()
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            continue
        seen.add(key)
        kind = (
            "dirs" if path.is_dir()
            else "zips" if path.suffix == ".zip"
            else "audio copies" if path.suffix == ".mp3"
            else "text"
        )  # fmt: skip
        usage[kind] += stat.st_blocks * 512
    return usage


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stopwatch:
    """Time spent inside one function of the writer, by wrapping it (for the breakdown)."""

    def __init__(self, module, name: str) -> None:
        self.seconds = 0.0
        real = getattr(module, name)

        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        setattr(module, name, timed_call)

    def take(self) -> float:
        seconds, self.seconds = self.seconds, 0.0
        return seconds


def timed(what: str, action):
    """Wall time (the goal) and CPU time (steadier on a shared machine).

    Each phase starts with nothing dirty in the page cache: freshly written files
    (the renders, the previous phase's output) would otherwise be flushed during
    it and charged to it. In real use the renders were written long before.
    """
    os.sync()
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{what:<44} {elapsed:8.2f} s {cpu:8.2f} s   {peak_mb():7.0f} MB")
    return result, elapsed


def baseline(items, renders: Path, root: Path, text_files_per_station: int) -> int:
    """The floor: the same number of files, each one ``os.link`` into a fresh tree."""
    by_station: dict[str, list] = {}
    for item in items:
        by_station.setdefault(item.station_id, []).append(item)
    count = 0
    some_render = renders / items[0].file
    for station_id, mine in by_station.items():
        folder = root / station_id
        folder.mkdir(parents=True)
        for number, item in enumerate(mine, start=1):
            os.link(renders / item.file, folder / f"{number:02d}-{item.bulletin_id}.mp3")
            count += 1
        for n in range(text_files_per_station):
            os.link(some_render, folder / f"text-{n}")
            count += 1
    return count


def mb(octets: int) -> str:
    return f"{octets / 1e6:9.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=COMMUNES, help="communes (plus a producer)")
    parser.add_argument("--kbps", type=int, default=8, help="bitrate of the fake renders")
    parser.add_argument("--dir", type=Path, help="where to work (default: a temporary folder)")
    parser.add_argument("--no-zips", action="store_true", help="skip the run that writes zips")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-plan-", dir=args.dir))
    try:
        renders = work / "renders"
        renders.mkdir()
        segments, records = make_renders(renders, args.kbps)
        render_inodes = {(s.st_dev, s.st_ino) for s in (p.stat() for p in renders.iterdir())}
        net = network(args.stations)
        campaign = Campaign(
            "bench", "Thử tải", DAY - dt.timedelta(days=30), DAY + dt.timedelta(days=30), None,
            Coverage(1, 14),
        )  # fmt: skip
        render_mb = sum(s.stat().st_size for s in renders.iterdir()) / 1e6
        print(
            f"{len(net.stations)} stations, {len(segments)} bulletins of ~90 s "
            f"at {args.kbps} kbit/s, {render_mb:.1f} MB of renders, {DAY}"
        )
        print(f"{'phase':<44} {'wall':>10} {'cpu':>10}   {'peak RSS':>10}")

        plan, plan_s = timed(
            "plan_day (real planner)", lambda: plan_day(DAY, net, campaign, segments)
        )
        items, bind_s = timed("items_from_plan", lambda: items_from_plan(plan, records))
        print(f"   {len(items)} items, {len(items) / len(net.stations):.1f} per station")

        durable = Stopwatch(writer, "_make_durable")
        removal = Stopwatch(writer, "_remove")

        def write(root: Path, zips: bool):
            durable.take(), removal.take()
            return write_day(DAY, items, net, renders_dir=renders, out_root=root, zips=zips)

        def breakdown() -> None:
            print(
                f"   of which sync(2) before the swap {durable.take():.2f} s, "
                f"removing the replaced folders {removal.take():.2f} s"
            )

        out = work / "out"
        folders, write_s = timed("write_day, no zips (first write)", lambda: write(out, False))
        breakdown()
        timed("   of which formatting (pure, no I/O)", lambda: format_all(items, net, campaign))
        _, rewrite_s = timed("write_day, no zips (rewrite: a re-plan)", lambda: write(out, False))
        breakdown()
        usage = disk_usage(out, render_inodes)
        files = sum(1 for f in folders for _ in f.iterdir())

        base_root = work / "baseline"
        text_per_station = 3
        count, base_s = timed(
            "baseline: os.link the same number of files",
            lambda: baseline(items, renders, base_root, text_per_station),
        )
        assert count == files, (count, files)

        zip_usage = None
        if not args.no_zips:
            zipped = work / "out-zips"
            _, zip_s = timed("write_day, with zips (fresh tree)", lambda: write(zipped, True))
            breakdown()
            zip_usage = disk_usage(zipped, render_inodes)

        print()
        whole = plan_s + bind_s + write_s
        print(f"whole day, plan + bind + write (no zips): {whole:6.2f} s (goal < 10 s)")
        print(
            f"writing / baseline: {write_s / base_s:.1f}x "
            f"({write_s:.2f} s / {base_s:.2f} s, {files} files)"
        )
        print(f"peak memory (ru_maxrss): {peak_mb():.0f} MB (goal < 500 MB)")
        print("disk growth without zips (hard links to renders count 0):")
        for kind, octets in usage.items():
            print(
                f"   {kind:<14}{mb(octets)}   {octets / len(folders) / 1024:6.1f} KiB per station"
            )
        if zip_usage is not None:
            zips = zip_usage["zips"]
            audio = sum(r.stat().st_size for r in renders.iterdir()) / len(records)
            print(
                f"zips: {mb(zips)} ({zips / len(folders) / 1e6:.2f} MB per station), {zip_s:.2f} s"
            )
            scale = REAL_KBPS / args.kbps
            print(
                f"   at the real {REAL_KBPS} kbit/s: about {zips * scale / 1e9:.0f} GB per day "
                f"(renders average {audio / 1e3:.0f} kB here)"
            )
    finally:
        started = time.perf_counter()
        shutil.rmtree(work)
        print(f"cleanup: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
