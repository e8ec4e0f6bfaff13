"""The parsed schedule (stations and campaigns), read once per change of its files.

A national network's stations file takes seconds to parse, and the panel, the
commands and the daemon ask for it many times. The parse, checked against the
bulletin library, is cached on the size and modification time of the schedule's
files and of the library's, so an edit is seen at the next call and nothing is
read twice otherwise. This is the one way stations and campaigns are loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from broadcaster.errors import LibraryError
from broadcaster.library.bulletins import Kind, Library
from broadcaster.planning.campaigns import Campaign, load_schedule
from broadcaster.planning.stations import Network, Station


@dataclass(frozen=True)
class Schedule:
    network: Network
    campaigns: tuple[Campaign, ...]
    form_titles: dict[int, str] = field(default_factory=dict)  # each form's bulletin title
    bulletin_titles: dict[str, str] = field(default_factory=dict)

    def station(self, station_id: str) -> Station | None:
        try:
            return self.network.get(station_id)
        except KeyError:
            return None

    @property
    def names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.network.stations}

    def form_title(self, form: int | None) -> str:
        if form is None:
            return ""
        return self.form_titles.get(form, f"Hình thức {form}")


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)


class ScheduleCache:
    def __init__(
        self,
        stations_file: Path,
        campaign_files: Sequence[Path],
        *,
        default_timezone: str,
        library_dir: Path,
        library: Callable[[], Library],
    ) -> None:
        self._files = (Path(stations_file), *map(Path, campaign_files))
        self._timezone = default_timezone
        self._library_dir = Path(library_dir)
        self._library = library
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: Schedule | None = None

    def get(self, durations: Mapping[str, float] | None = None) -> Schedule:
        """The schedule, every check run; ScheduleError lists every problem.

        ``durations`` (bulletin id -> seconds of approved audio) adds the checks of
        slot lengths that planning needs; such a read is not cached.
        """
        if durations:
            return self._load(durations)
        key = self._key_now()
        with self._lock:
            if key != self._key or self._value is None:
                self._value, self._key = self._load(None), key
            return self._value

    def _key_now(self) -> tuple:
        library = sorted(self._library_dir.glob("*.y*ml")) if self._library_dir.is_dir() else []
        return tuple(_stamp(path) for path in (*self._files, self._library_dir, *library))

    def _load(self, durations: Mapping[str, float] | None) -> Schedule:
        try:
            library = self._library()
        except LibraryError:  # said by validate and the panel; the air must go on meanwhile
            library = None
        stations, *campaigns = self._files
        network, parsed = load_schedule(
            stations,
            campaigns,
            default_timezone=self._timezone,
            known_ids=None if library is None else {b.id for b in library},
            durations=durations,
        )
        if library is None:
            return Schedule(network, parsed)
        form_titles: dict[int, str] = {}
        for bulletin in library:
            if bulletin.kind is Kind.BULLETIN and bulletin.form is not None:
                form_titles.setdefault(bulletin.form, bulletin.title)
        titles = {b.id: b.title for b in library}
        return Schedule(network, parsed, form_titles, titles)
