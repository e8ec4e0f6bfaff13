"""Column types shared by the schema.

Times are stored in UTC and come back as aware datetimes, so no airing shifts
because a server (or SQLite, which keeps no zone) runs in another zone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; naive input is a bug, not a guess."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware one")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)
