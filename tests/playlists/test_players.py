"""The written playlist really plays, in the players commune PCs use: mpv and VLC.

Titles are the hard part: VLC 3 reads ``#EXTINF:s,A, B`` as artist "A" and
title "B". These tests play titles with commas, quotes and " - " and check what
each player shows.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcaster.playlists import write_station_day

from .factories import SUNDAY, ZONE, commune, session_items
from .readers import parse_m3u8

TITLES = {
    "mo-dau": "Lời mở đầu chuyên mục",
    "f07-gia-danh-cong-ty-tai-chinh-ngan-hang": "Giả danh công ty tài chính, ngân hàng",
    "f03-khoa-sim-chuan-hoa-thue-bao": '"Khóa SIM" vì chưa chuẩn hóa thuê bao',
    "f14-gia-danh-cong-an-vien-kiem-sat-toa-an": (
        "Công an xã - Cảnh báo: giả danh công an, viện kiểm sát, tòa án"
    ),
    "ket-thuc": "Lời kết chuyên mục",
}


@pytest.fixture
def playlist(records, renders) -> Iterator[Path]:
    """A station's day of five real MP3s in two sessions, in a folder anyone may read.

    VLC refuses to run as root, so as root it plays as ``nobody``: the output
    goes to a fresh 0755 folder rather than under pytest's private temporary one.
    """

    def pieces(ids):
        return [
            (i, TITLES[i], records[i].duration_s, None, "thuong")
            for i in ids  # form and priority do not matter to a player
        ]

    morning = session_items("tam-cuong", SUNDAY, "6:30", pieces(list(TITLES)[:3]))
    evening = session_items(
        "tam-cuong", SUNDAY, "17:30", pieces(list(TITLES)[3:]), first_position=4
    )
    items = [
        dataclasses.replace(
            item,
            file=records[item.bulletin_id].file,
            render_sha256=records[item.bulletin_id].sha256,
        )
        for item in morning + evening
    ]
    public = Path(tempfile.mkdtemp(prefix="playlists-"))
    public.chmod(0o755)
    try:
        folder = write_station_day(
            commune(), SUNDAY, items, renders_dir=renders, out_root=public, zone=ZONE, zips=False
        )
        public.joinpath(SUNDAY.isoformat()).chmod(0o755)
        yield folder / "playlist.m3u8"
    finally:
        shutil.rmtree(public)


def listed(playlist: Path) -> list[tuple[int, str, str]]:
    return parse_m3u8(playlist.read_text("utf-8"))


@pytest.mark.skipif(shutil.which("mpv") is None, reason="mpv is missing: apt-get install mpv")
def test_mpv_plays_every_entry_in_order_with_its_title(playlist):
    done = subprocess.run(
        [
            "mpv", "--no-config", "--ao=null", "--ao-null-untimed", "--vo=null",
            "--term-playing-msg=PLAYING|${filename}|${media-title}", playlist.name,
        ],
        cwd=playlist.parent, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr  # 3 when some entry failed
    played = [
        line.split("|")[1:] for line in done.stdout.splitlines() if line.startswith("PLAYING|")
    ]
    assert played == [[name, title] for _, title, name in listed(playlist)]
    assert len(played) == 5


def vlc_command() -> list[str]:
    if shutil.which("vlc") is None:
        pytest.skip("VLC is missing: apt-get install vlc-bin vlc-plugin-base")
    # The dummy output paces playback; at 16x every file is still decoded to its end.
    command = ["vlc", "-I", "dummy", "-vv", "--play-and-exit", "--no-video", "-A", "dummy"]
    command.append("--rate=16")
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip(
            "VLC will not run as root, and setpriv (util-linux) is missing to drop to nobody"
        )
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return [*nobody, "env", "HOME=/tmp", *command]


def test_vlc_opens_every_entry_in_order_with_its_whole_title(playlist):
    done = subprocess.run(
        [*vlc_command(), playlist.name],
        cwd=playlist.parent, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    opened = re.findall(r"`file://[^`']*/([^/`']+\.mp3)' successfully opened", log)
    assert opened == [name for _, _, name in listed(playlist)], log[-3000:]
    # VLC's debug log names each item as it starts it: by the title it parsed.
    shown = re.findall(r"playlist debug: resyncing on (.*)", log)
    assert shown[1:] == list(TITLES.values())
    assert log.count("main input debug: EOF reached") >= len(opened)  # each ran to its end
