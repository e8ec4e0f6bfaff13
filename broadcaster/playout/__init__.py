"""Playout: the producing station's stored plan, on air at its time, logged as evidence.

``run_playout(settings, station_id=..., stop_event=...)`` is the daemon behind
``broadcaster playout``. Modules, in the order a cue travels:

- ``agenda``: pure rules (which slots, which items are due, missed, late);
- ``lease``: one leader per station across machines, the others hot standbys;
- ``daemon``: the lease kept or waited for, a term started and ended with it;
- ``term``: one leadership's scheduler, plan and alert sweeps;
- ``jobs``: the scheduler's importable job functions;
- ``deck``: the one thread that plays and logs;
- ``player``: the player process and the file checks;
- ``state``: the on-air marker that survives a crash.
"""

from broadcaster.playout.daemon import Playout, PlayoutError, run_playout

__all__ = ["Playout", "PlayoutError", "run_playout"]
