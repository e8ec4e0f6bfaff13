"""How long published day folders stay: the last ``keep_days`` days, today included.

The stored plans stay in the database (the record of what was to air), and the
panel writes a past day's folder again when an operator downloads it; the
folders are only copies for the communes, and every one hard-links the day's audio.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from pathlib import Path


def expired_days(names: Iterable[str], today: dt.date, keep_days: int) -> list[str]:
    """The folder names that are days before the kept ones; any other name is left alone."""
    oldest_kept = today - dt.timedelta(days=keep_days - 1)
    expired = []
    for name in names:
        try:
            day = dt.date.fromisoformat(name)
        except ValueError:
            continue  # calendars/, a half-written folder's temporary name...
        if name == day.isoformat() and day < oldest_kept:
            expired.append(name)
    return sorted(expired)


def prune_days(out_root: Path, today: dt.date, keep_days: int) -> list[str]:
    """Remove the expired day folders under ``out_root``; returns their names."""
    if not out_root.is_dir():
        return []
    names = (path.name for path in out_root.iterdir() if path.is_dir())
    expired = expired_days(names, today, keep_days)
    for name in expired:
        shutil.rmtree(out_root / name)
    return expired
