"""The zip of a station's folder: stored, names in UTF-8, as unzip tools read them."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

import pytest

from broadcaster.playlists.archive import zip_folder

from .factories import ZONE


def test_vietnamese_names_survive_the_zip(tmp_path):
    folder = tmp_path / "thư mục"
    folder.mkdir()
    names = ["Lịch phát – Xã Cổ Am.txt", "Bản tin “khẩn cấp”.mp3", "Đã phát.html"]
    for name in names:
        (folder / name).write_text(name, encoding="utf-8")
    target = tmp_path / "xa-co-am.zip"
    zip_folder(folder, target, top="Xã Cổ Am", zone=ZONE)
    raw = target.read_bytes()
    for name in names:
        assert f"Xã Cổ Am/{name}".encode() in raw  # the UTF-8 octets, not a code page
    with zipfile.ZipFile(target) as archive:
        assert all(info.flag_bits & 0x800 for info in archive.infolist())  # marked as UTF-8
        archive.extractall(tmp_path / "out")
    out = tmp_path / "out" / "Xã Cổ Am"
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert all((out / name).read_text(encoding="utf-8") == name for name in names)


@pytest.mark.skipif(
    shutil.which("unzip") is None, reason="Info-ZIP unzip is missing: apt-get install unzip"
)
def test_info_zip_unzips_vietnamese_names_intact(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Lịch phát – Xã Cổ Am.txt").write_text("Đã phát", encoding="utf-8")
    zip_folder(folder, tmp_path / "a.zip", top="Xã Cổ Am", zone=ZONE)
    subprocess.run(
        ["unzip", "-q", str(tmp_path / "a.zip"), "-d", str(tmp_path / "out")],
        check=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    (extracted,) = (tmp_path / "out" / "Xã Cổ Am").iterdir()
    assert extracted.name == "Lịch phát – Xã Cổ Am.txt"
    assert extracted.read_text(encoding="utf-8") == "Đã phát"
