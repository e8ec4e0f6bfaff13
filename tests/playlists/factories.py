"""Stored items and stations built directly, for the pure formatting tests and the players."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from broadcaster.airplan.store import StoredItem
from broadcaster.planning.plans import after
from broadcaster.planning.slots import Slot
from broadcaster.planning.stations import Level, Station
from broadcaster.playlists.sessions import StationDay, station_day

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SUNDAY = dt.date(2026, 11, 29)
PEAK_DAY = dt.date(2023, 8, 7)  # a Monday in the 2023 campaign's peak month: longer slots
QUIET_DAY = dt.date(2023, 9, 4)  # a Monday after it
WEEKDAYS = frozenset(range(5))
DAILY = frozenset(range(7))


def commune(
    station_id: str = "tam-cuong",
    name: str = "Xã Tam Cường",
    slots: tuple[Slot, ...] = (
        Slot(DAILY, dt.time(6, 30), 15),
        Slot(DAILY, dt.time(17, 30), 15),
    ),
) -> Station:
    return Station(station_id, name, Level.COMMUNE, slots)


def session_items(
    station_id: str,
    day: dt.date,
    start: str,
    pieces: list[tuple[str, str, float, int | None, str]],
    *,
    first_position: int = 1,
    zone: dt.tzinfo = ZONE,
) -> list[StoredItem]:
    """Items back to back from ``start`` ("6:30"): (bulletin_id, title, seconds, form, priority)."""
    hour, minute = (int(part) for part in start.split(":"))
    slot_start = dt.datetime.combine(day, dt.time(hour, minute), zone)
    items = []
    at = slot_start
    for offset, (bulletin_id, title, seconds, form, priority) in enumerate(pieces):
        items.append(
            StoredItem(
                day=day,
                station_id=station_id,
                slot_start=slot_start,
                position=first_position + offset,
                starts_at=at,
                bulletin_id=bulletin_id,
                render_sha256="0" * 64,
                file=f"{bulletin_id}-000000000000.mp3",
                duration_s=seconds,
                priority=priority,
                reason="test",
                title=title,
                form=form,
            )
        )
        at = after(at, seconds)
    return items


MORNING = [
    ("mo-dau", "Lời mở đầu chuyên mục", 30.0, None, "thuong"),
    ("f07-gia-danh-cong-ty-tai-chinh-ngan-hang", "Giả danh công ty tài chính, ngân hàng", 92.4, 7,
     "thuong"),
    ("f03-khoa-sim-chuan-hoa-thue-bao", '"Khóa SIM" vì chưa chuẩn hóa thuê bao', 87.5, 3,
     "uu_tien"),
]  # fmt: skip
EVENING = [
    ("canh-bao-khan", "Cảnh báo khẩn: cuộc gọi giả danh công an", 61.0, None, "khan_cap"),
    ("f14-gia-danh-cong-an-vien-kiem-sat-toa-an", "Giả danh công an, viện kiểm sát, tòa án",
     104.0, 14, "thuong"),
]  # fmt: skip


def sample_items(station_id: str = "tam-cuong", day: dt.date = SUNDAY) -> list[StoredItem]:
    """Two sessions, five items: every priority, a form-less opening, commas and quotes."""
    morning = session_items(station_id, day, "6:30", MORNING)
    evening = session_items(station_id, day, "17:30", EVENING, first_position=len(morning) + 1)
    return morning + evening


def sample_day(station: Station | None = None, day: dt.date = SUNDAY) -> StationDay:
    station = station or commune()
    lengths = {slot.start: slot.minutes for slot in station.slots}
    return station_day(station, day, sample_items(station.id, day), zone=ZONE, slot_minutes=lengths)
