"""Playlists: each station's planned day as files an operator downloads and plays.

``sessions`` turns a station's stored plan into numbered sessions (pure);
``formats`` (M3U8, plain text), ``printable`` (HTML) and ``ics`` (iCalendar)
render it (pure); ``audio`` binds the files to the approved renders; ``archive``
zips a folder; ``writer`` puts it all on disk, each folder swapped in whole.
"""

from broadcaster.playlists.retention import prune_days
from broadcaster.playlists.writer import write_calendar, write_day, write_station_day

__all__ = ["prune_days", "write_calendar", "write_day", "write_station_day"]
