"""Old day folders go; everything else under playlists/ stays."""

from __future__ import annotations

import datetime as dt

from broadcaster.playlists import prune_days
from broadcaster.playlists.retention import expired_days

TODAY = dt.date(2026, 11, 30)


def test_the_last_days_are_kept_today_included():
    names = ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-30", "2026-12-01"]
    assert expired_days(names, TODAY, keep_days=7) == ["2026-11-22", "2026-11-23"]
    assert expired_days(names, TODAY, keep_days=1) == ["2026-11-22", "2026-11-23", "2026-11-24"]


def test_folders_that_are_not_days_are_never_touched():
    names = ["calendars", "20261101", ".tmp-2026-11-01", "2026-11-01-cu", "2026-02-30"]
    assert expired_days(names, TODAY, keep_days=1) == []


def test_pruning_removes_old_day_folders_with_their_zips(tmp_path):
    for name in ("2026-11-01", "2026-11-29", "calendars"):
        (tmp_path / name / "co-am").mkdir(parents=True)
    (tmp_path / "2026-11-01" / "co-am.zip").write_bytes(b"PK")
    assert prune_days(tmp_path, TODAY, keep_days=7) == ["2026-11-01"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-29", "calendars"]
    assert prune_days(tmp_path / "missing", TODAY, keep_days=7) == []
