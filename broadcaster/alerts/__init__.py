"""Emergency alerts (thông báo khẩn cấp): aired at once, interrupting whatever plays.

Circular 39/2020/TT-BTTTT's third priority, khẩn cấp, does not wait for a slot.
Staff raise an alert for an approved render and the stations it concerns (or
all of them); each station's playout daemon polls for alerts newer than the
last one it saw, plays them at once and logs the airing like any other, with
the alert's raise time as the scheduled time.

An alert is a decision someone took and the evidence of when: it is never
edited; withdrawing one (:mod:`broadcaster.alerts.withdrawing`) adds a row to
``alert_withdrawals`` beside it. Its tables, ``alerts`` and ``alert_stations``, are in
:mod:`broadcaster.db.schema` with every other, so ``db.connect`` creates them on
new and older databases alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, exists, func, or_, select

from broadcaster import approval
from broadcaster.db import alert_stations, alerts
from broadcaster.db.schema import alert_withdrawals, approvals
from broadcaster.errors import Refused

MAX_REASON = 500  # characters of a stated reason


@dataclass(frozen=True)
class Alert:
    id: int
    bulletin_id: str
    render_sha256: str
    file: str
    duration_s: float
    title: str
    station_ids: tuple[str, ...] | None  # None: every station
    raised_by: str
    raised_at: dt.datetime
    form: int | None = None
    withdrawn_at: dt.datetime | None = None  # taken off the air then; None: standing

    def concerns(self, station_id: str) -> bool:
        return self.station_ids is None or station_id in self.station_ids


def record_alert(
    engine: Engine,
    *,
    bulletin_id: str,
    render_sha256: str,
    file: str,
    duration_s: float,
    title: str,
    station_ids: Iterable[str] | None,
    raised_by: str,
    now: dt.datetime,
    form: int | None = None,
) -> int:
    """Record an alert for ``station_ids`` (None: all); returns its id.

    Only audio whose standing decision is an approval may interrupt the air.
    """
    stations = None if station_ids is None else tuple(dict.fromkeys(station_ids))
    if stations is not None and not stations:
        raise Refused("alert-no-station", "an alert needs a station, or all", field="stations")
    if duration_s <= 0:
        raise ValueError(f"alert audio must last more than 0 s, not {duration_s}")  # a bug
    with engine.begin() as connection:
        check_approved(connection, render_sha256, bulletin_id)
        alert_id = connection.execute(
            alerts.insert().values(
                bulletin_id=bulletin_id,
                title=title,
                form=form,
                render_sha256=render_sha256,
                file=file,
                duration_s=duration_s,
                all_stations=stations is None,
                raised_by=raised_by,
                raised_at=now,
            )
        ).inserted_primary_key[0]
        if stations:
            connection.execute(
                alert_stations.insert(),
                [{"alert_id": alert_id, "station_id": s} for s in stations],
            )
    return alert_id


def stated_reason(text: str | None, *, code: str, missing: str) -> str:
    """``text`` on one line: why staff withdraw an alert or override the four eyes.

    Refused ``code`` (``missing`` says what to give) when empty, ``<code>-long`` past
    :data:`MAX_REASON` characters, both on the ``reason`` field.
    """
    reason = " ".join((text or "").split())
    if not reason:
        raise Refused(code, missing, field="reason")
    if len(reason) > MAX_REASON:
        raise Refused(
            f"{code}-long",
            f"the reason is longer than {MAX_REASON} characters",
            field="reason",
            limit=MAX_REASON,
        )
    return reason


def check_approved(connection: Connection, render_sha256: str, bulletin_id: str) -> None:
    """Refused unless the audio's standing decision is an approval."""
    decision = connection.execute(select(approval.standing_verdict(render_sha256))).scalar()
    if decision != approval.Verdict.APPROVED:
        state = "was rejected" if decision else "has not been approved"
        raise Refused(
            "alert-not-approved",
            f"render {render_sha256[:12]} of {bulletin_id} {state}",
            rejected=decision is not None,
        )


def pending_alerts(engine: Engine, station_id: str, after_id: int = 0) -> list[Alert]:
    """Alerts for ``station_id`` newer than ``after_id`` whose audio still stands approved
    and that nobody withdrew, oldest first."""
    return _read(engine, alerts.c.id > after_id, naming(station_id), _standing(), _not_withdrawn())


def naming(station_id: str):
    """SQL: the alert is for every station, or names ``station_id``."""
    mine = exists().where(
        alert_stations.c.alert_id == alerts.c.id, alert_stations.c.station_id == station_id
    )
    return or_(alerts.c.all_stations, mine)


def alert_by_id(engine: Engine, alert_id: int) -> Alert | None:
    found = _read(engine, alerts.c.id == alert_id)
    return found[0] if found else None


def alerts_raised(
    engine: Engine,
    since: dt.datetime,
    until: dt.datetime | None = None,
    *,
    standing_only: bool = False,
    keep_withdrawn: bool = False,
) -> list[Alert]:
    """Every alert raised in [since, until), oldest first; with ``standing_only``, only
    those whose audio is still approved (a rejection withdraws an alert from the air)
    and, unless ``keep_withdrawn``, that nobody withdrew."""
    conditions = [alerts.c.raised_at >= since]
    if until is not None:
        conditions.append(alerts.c.raised_at < until)
    if standing_only:
        conditions.append(_standing())
        if not keep_withdrawn:
            conditions.append(_not_withdrawn())
    return _read(engine, *conditions)


def _standing():
    """SQL: the alert's audio still stands approved."""
    return approval.standing_verdict(alerts.c.render_sha256) == approval.Verdict.APPROVED.value


def _not_withdrawn():
    """SQL: nobody withdrew the alert."""
    withdrawn = exists().where(alert_withdrawals.c.alert_id == alerts.c.id)
    return ~withdrawn.correlate_except(alert_withdrawals)


def _read(engine: Engine, *conditions) -> list[Alert]:
    query = (
        select(alerts, alert_withdrawals.c.withdrawn_at)
        .select_from(alerts.outerjoin(alert_withdrawals))
        .where(*conditions)
        .order_by(alerts.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
        named = connection.execute(
            select(alert_stations).where(alert_stations.c.alert_id.in_([r["id"] for r in rows]))
        ).all()
    stations: dict[int, list[str]] = {}
    for alert_id, station in named:
        stations.setdefault(alert_id, []).append(station)
    return [
        _alert(row, None if row["all_stations"] else tuple(sorted(stations[row["id"]])))
        for row in rows
    ]


def on_air_for(engine: Engine, station_id: str, since: dt.datetime) -> list[Alert]:
    """What a loudspeaker polling every few seconds asks: alerts raised since ``since``
    for ``station_id``, approved and not withdrawn, oldest first, in one query.

    ``station_ids`` of each says only whether it is for everyone (None) or names
    this station; the other stations it names are not read.
    """
    query = (
        select(alerts)
        .where(alerts.c.raised_at >= since, naming(station_id), _standing(), _not_withdrawn())
        .order_by(alerts.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [_alert(row, None if row["all_stations"] else (station_id,)) for row in rows]


# What changes when the answer to "which alerts stand?" can change: a new alert, a
# withdrawal, a new approval decision. The tables are append-only evidence.
_VERSION = select(
    select(func.max(alerts.c.id)).scalar_subquery(),
    select(func.count()).select_from(alert_withdrawals).scalar_subquery(),
    select(func.max(approvals.c.id)).scalar_subquery(),
)


@dataclass(frozen=True)
class _Reading:
    version: tuple
    read_at: dt.datetime
    since: dt.datetime
    standing: tuple[Alert, ...]


class OnAirCache:
    """The standing alerts of the last ``ttl``, read once for every station a process serves.

    Thousands of loudspeakers poll every few seconds and almost always find nothing
    new: each poll then costs one query for the newest alert, withdrawal and decision
    (statement built once) instead of the per-station query. Any of those changing, or
    ``ttl`` passing (a database restored underneath), re-reads all standing alerts.
    """

    def __init__(self, ttl: dt.timedelta = dt.timedelta(seconds=5)) -> None:
        self.ttl = ttl
        self._reading: _Reading | None = None  # replaced whole: safe across threads

    def for_station(
        self, engine: Engine, station_id: str, *, since: dt.datetime, now: dt.datetime
    ) -> list[Alert]:
        """As :func:`on_air_for`, but ``station_ids`` of each lists every station it names."""
        with engine.connect() as connection:
            version = tuple(connection.execute(_VERSION).one())
        reading = self._reading
        if (
            reading is None
            or reading.version != version
            or since < reading.since
            or not reading.read_at <= now < reading.read_at + self.ttl
        ):
            standing = alerts_raised(engine, since, standing_only=True)
            reading = self._reading = _Reading(version, now, since, tuple(standing))
        return [a for a in reading.standing if a.raised_at >= since and a.concerns(station_id)]


def _alert(row, station_ids: tuple[str, ...] | None) -> Alert:
    """An ``alerts`` row (a mapping, with ``withdrawn_at`` when the query joined it)."""
    return Alert(
        id=row["id"],
        bulletin_id=row["bulletin_id"],
        render_sha256=row["render_sha256"],
        file=row["file"],
        duration_s=row["duration_s"],
        title=row["title"],
        station_ids=station_ids,
        raised_by=row["raised_by"],
        raised_at=row["raised_at"],
        form=row["form"],
        withdrawn_at=row.get("withdrawn_at"),
    )
