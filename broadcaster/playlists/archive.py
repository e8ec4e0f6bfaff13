"""A station's folder as one zip to download: stored, not deflated, names in UTF-8.

MP3 does not compress, so deflating would only cost time. A name that is not
ASCII is written in UTF-8 with the general purpose flag bit 11 set (zipfile
does this by itself), so no reader has to guess a code page; the writer's own
names are ASCII on purpose, for the unzip of older Windows, which ignores
that flag. The entries sit under one top folder in name order (the audio,
numbered, first), so unzipping onto a USB stick writes the files in airing
order, which is the order many cheap players follow.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

_BLOCK = 1 << 20


def zip_folder(folder: Path, target: Path, *, top: str, zone: dt.tzinfo) -> None:
    """Write ``target`` holding every file of ``folder`` as ``<top>/<name>``.

    File times are written as wall-clock times in ``zone`` (zip has no zones),
    never in the server process's own.
    """
    files = sorted(p for p in folder.iterdir() if p.is_file())
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        directory = zipfile.ZipInfo(f"{top}/", _zip_time(folder.stat().st_mtime, zone))
        directory.external_attr = (0o40755 << 16) | 0x10  # unix mode, MS-DOS directory bit
        archive.writestr(directory, b"")
        for path in files:
            stat = path.stat()
            info = zipfile.ZipInfo(f"{top}/{path.name}", _zip_time(stat.st_mtime, zone))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o100644 << 16
            info.file_size = stat.st_size
            with path.open("rb") as source, archive.open(info, "w") as sink:
                shutil.copyfileobj(source, sink, _BLOCK)


def _zip_time(timestamp: float, zone: dt.tzinfo) -> tuple[int, int, int, int, int, int]:
    local = dt.datetime.fromtimestamp(timestamp, zone)
    if local.year < 1980:  # the zip format starts in 1980
        return (1980, 1, 1, 0, 0, 0)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)
