"""Plain-text views of a day plan for the command line (pure)."""

from __future__ import annotations

from broadcaster.planning.plans import DayPlan

WEEKDAYS_VI = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")


def summary(plan: DayPlan) -> str:
    slots = plan.slots
    items = sum(len(s.items) for s in slots)
    under = sum(1 for s in slots if s.underfilled)
    over = sum(1 for s in slots if s.overfilled)
    airing = sum(1 for station in plan.stations if station.slots)
    lines = [
        f"{plan.day} ({WEEKDAYS_VI[plan.day.weekday()]}): {airing} of {len(plan.stations)} "
        f"stations on air, {len(slots)} slots, {items} items; "
        f"{under} under-filled, {over} over-filled"
    ]
    for slot in slots:
        for note in slot.notes:
            lines.append(f"  {slot.station_id} {slot.start:%H:%M}: {note}")
    return "\n".join(lines)


def explain(plan: DayPlan) -> str:
    lines = []
    for station in plan.stations:
        if not station.slots:
            continue
        lines.append(f"{station.station_id} ({station.station_name})")
        for slot in station.slots:
            lines.append(
                f"  slot {slot.start:%H:%M} ({slot.slot.minutes} min, {slot.fill:.0%} used)"
            )
            for item in slot.items:
                lines.append(
                    f"    {item.start:%H:%M:%S}  {item.segment.bulletin_id:<45} {item.reason}"
                )
            for left in slot.left_out:
                lines.append(f"    left out  {left.segment.bulletin_id:<45} {left.reason}")
    return "\n".join(lines)
