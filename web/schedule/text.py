"""What the schedule pages say: Vietnamese labels, and the planner's English told in Vietnamese.

The planner, the loaders and the alert store word their notes and errors in
English for the CLI and the logs. Staff read Vietnamese, so what they can meet
on these pages is retold here; anything not recognised is shown as it is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from broadcaster.airplan.service import NothingApproved
from broadcaster.errors import BroadcasterError, InvalidInput, LibraryError, ScheduleError
from broadcaster.library.bulletins import Priority
from broadcaster.planning.campaigns import Campaign, Coverage, Peak
from broadcaster.planning.plans import LeftOut
from broadcaster.planning.slots import Slot
from broadcaster.planning.stations import Level
from broadcaster.playlists.sessions import duration_label

DAY_SHORT = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật")
DAY_TINY = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
LEVEL_LABELS = {
    Level.DISTRICT: "cấp huyện",
    Level.PROVINCE: "cấp tỉnh",
    Level.COMMUNE: "cấp xã",
}


# -- dates, times, lengths --------------------------------------------------------


def fmt_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def day_heading(day: dt.date) -> str:
    """``Thứ hai, 30/11/2026``."""
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def day_tiny(day: dt.date) -> str:
    """``T2 30/11``: a week table's column head."""
    return f"{DAY_TINY[day.weekday()]} {day:%d/%m}"


def hhmm(moment: dt.datetime | dt.time) -> str:
    return moment.strftime("%H:%M")


def length(seconds: float) -> str:
    """``1:32``; ``1:02:05`` from an hour on."""
    total = math.floor(seconds)  # cut, as duration_label and the player do
    if total >= 3600:
        return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return duration_label(seconds)


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction:.0%}"


# -- the schedule -----------------------------------------------------------------


def days_label(days: Iterable[int]) -> str:
    """``Hằng ngày``, ``Thứ 2–Thứ 6``, ``Thứ 2, Thứ 4, Thứ 6``."""
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return "Hằng ngày"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_SHORT[ordered[0]]}–{DAY_SHORT[ordered[-1]]}"
    return ", ".join(DAY_SHORT[d] for d in ordered)


def slot_label(slot: Slot) -> str:
    """``06:30–06:45 (15 phút), Thứ 2–Thứ 6``."""
    end = slot.end_minute
    return (
        f"{slot.start:%H:%M}–{end // 60:02d}:{end % 60:02d} ({slot.minutes} phút), "
        f"{days_label(slot.days)}"
    )


def level_label(level: Level) -> str:
    return LEVEL_LABELS.get(level, str(level))


def coverage_label(coverage: Coverage) -> str:
    return f"mỗi hình thức ít nhất {coverage.times} lần / {coverage.days} ngày"


def bulletins_label(campaign: Campaign) -> str:
    if campaign.bulletin_ids is None:
        return "tất cả các bản tin theo 24 hình thức"
    return f"{len(campaign.bulletin_ids)} bản tin được chọn"


def peak_label(peak: Peak, station_names: dict[str, str]) -> str:
    """The peak period and the airtime it adds, in one sentence."""
    parts = [f"Cao điểm {fmt_date(peak.start)} – {fmt_date(peak.end)}"]
    extra = []
    if peak.extra_minutes:
        extra.append(f"mỗi buổi phát thêm {peak.extra_minutes} phút")
    if peak.extra_slots:
        slots = "; ".join(slot_label(s) for s in peak.extra_slots)
        extra.append(f"thêm buổi phát {slots}")
    text = parts[0] + ": " + "; ".join(extra)
    if peak.stations is None:
        return text + " (tất cả các đài)."
    names = ", ".join(sorted(station_names.get(s, s) for s in peak.stations))
    return f"{text} (chỉ tại: {names})."


def campaign_state(campaign: Campaign, today: dt.date, planning: Campaign | None) -> str:
    if campaign.end < today:
        return "Đã kết thúc"
    if campaign.start > today:
        return "Sắp bắt đầu"
    if planning is not None and planning.id == campaign.id:
        return "Đang áp dụng hôm nay"
    return "Đang chạy (hôm nay nhường chiến dịch mới hơn)"


def priority_label(value: str) -> str:
    try:
        return Priority(value).label
    except ValueError:
        return value


def form_label(form: int | None) -> str:
    return "—" if form is None else f"Hình thức {form}"


# -- the planner's notes and reasons ----------------------------------------------


def underfilled_note(used_s: float, capacity_s: float, below: float) -> str:
    fill = used_s / capacity_s if capacity_s else 0.0
    return (
        f"Buổi phát mới dùng {fill:.0%} thời lượng ({length(used_s)} / {length(capacity_s)}), "
        f"dưới mức {below:.0%}: nên duyệt thêm bản tin."
    )


def overrun_note(used_s: float, capacity_s: float) -> str:
    return f"Các mục dài {length(used_s)}, vượt thời lượng buổi phát ({length(capacity_s)})."


def left_out_note(left: LeftOut) -> str:
    """``Không đủ thời lượng cho ...``: a mandatory bulletin the slot could not hold."""
    segment = left.segment
    title = segment.title or segment.bulletin_id
    room = re.search(r"only (\d+) s left", left.reason)
    tail = f", buổi phát chỉ còn {length(int(room.group(1)))}" if room else ""
    return (
        f"Không đủ thời lượng cho bản tin {segment.priority.label.lower()} “{title}” "
        f"(cần {length(segment.duration_s)}{tail})."
    )


_REASONS = [
    (
        r"^emergency alert #(\d+)",
        lambda m: f"Thông báo khẩn cấp #{m[1]}: phát đầu buổi phát kế tiếp",
    ),
    (r"^emergency \(khan_cap\)", lambda m: "Khẩn cấp: phát đầu mọi buổi khi còn hiệu lực"),
    (r"^priority \(uu_tien\)", lambda m: "Ưu tiên: phát trước, mỗi ngày một lần"),
    (r"^opening of the programme", lambda m: "Lời mở đầu chương trình"),
    (r"^closing of the programme", lambda m: "Lời kết chương trình"),
    (
        r"^rotation: (?:form (\d+)|(\S+)) not yet aired",
        lambda m: f"Luân phiên: {_what(m)} chưa phát tại đài này",
    ),
    (
        r"^rotation: (?:form (\d+)|(\S+)) last aired today at (\d\d:\d\d)",
        lambda m: f"Luân phiên: {_what(m)} đã phát lúc {m[3]} hôm nay",
    ),
    (
        r"^rotation: (?:form (\d+)|(\S+)) last aired (\d{4}-\d\d-\d\d) .*?\((\d+) days? ago\)"
        r"(, due)?",
        lambda m: (
            f"Luân phiên: {_what(m)} phát lần gần nhất ngày "
            f"{fmt_date(dt.date.fromisoformat(m[3]))} ({m[4]} ngày trước)"
            + (", đã đến hạn" if m[5] else "")
        ),
    ),
]


def _what(match: re.Match) -> str:
    return f"hình thức {match[1]}" if match[1] else f"bản tin {match[2]}"


def reason_text(reason: str) -> str:
    for pattern, say in _REASONS:
        match = re.search(pattern, reason)
        if match:
            return say(match)
    return reason


# -- errors ---------------------------------------------------------------------


def error_text(error: BroadcasterError) -> tuple[str, list[str]]:
    """A headline in Vietnamese and the original details, line by line."""
    if isinstance(error, NothingApproved):
        return (
            "Chưa có bản âm thanh nào được duyệt nên chưa thể lập kế hoạch. Hãy dựng bản tin, "
            "nghe lại và duyệt trong mục Bản tin, rồi lập kế hoạch lại.",
            [str(error)],
        )
    if isinstance(error, ScheduleError):
        return (
            "Tệp lịch phát sóng (đài, khung giờ, chiến dịch) đang có lỗi, cần sửa trong tệp "
            "rồi thử lại:",
            [str(p) for p in error.problems],
        )
    if isinstance(error, LibraryError):
        return "Thư viện bản tin đang có lỗi, cần sửa trong tệp rồi thử lại:", [
            str(p) for p in error.problems
        ]
    if isinstance(error, InvalidInput):
        return "Cấu hình đang có lỗi:", [str(p) for p in error.problems]
    return "Không thực hiện được thao tác:", [str(error)]
