"""What the station and campaign forms send, read as the schedule files would hold it.

Nothing is judged here: a typed value the files could not hold (a date that is
not one, minutes that are not a number) is passed on as typed, and the files'
own checks (:mod:`broadcaster.planning.editing`) name it on its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from broadcaster.planning.campaigns import ALL_FORMS
from broadcaster.planning.editing import SlotRow
from web.fields import date_text, parse_date

MAX_ROWS = 24  # slots of one station a form may send
MAX_BULLETINS = 60  # kept in the session cookie with the rest of the form (4 KB at most)


def station_form(form: Mapping[str, Any]) -> dict:
    """{"name", "slots": [{"days", "start", "minutes"}]}: blank and removed rows dropped."""
    rows = []
    for index in range(MAX_ROWS):
        row = {key: (form.get(f"{key}-{index}") or "").strip() for key in SlotRow.__annotations__}
        if form.get(f"remove-{index}") or not any(row.values()):
            continue
        rows.append(row)
    kept = {"name": (form.get("name") or "").strip(), "slots": rows}
    if "level" in form:  # the producing station's only
        kept["level"] = form.get("level") or ""
    return kept


def slot_rows(kept: dict) -> list[SlotRow]:
    return [SlotRow(**row) for row in kept["slots"]]


CAMPAIGN_FIELDS = (
    "from",
    "until",
    "scope",
    "times",
    "days",
    "peak_from",
    "peak_until",
    "peak_minutes",
)


def campaign_form(form) -> dict:
    """The typed campaign fields, and the bulletins ticked."""
    kept = {key: (form.get(key) or "").strip() for key in CAMPAIGN_FIELDS}
    kept["bulletins"] = [b for b in form.getlist("bulletin") if b][:MAX_BULLETINS]
    return kept


def campaign_changes(kept: dict, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The campaign file's fields from the form; ``raw`` is the file as it stands."""
    peak = None
    if kept["peak_from"] or kept["peak_until"] or kept["peak_minutes"]:
        peak = dict(raw.get("peak") or {})
        peak["from"] = _date(kept["peak_from"])
        peak["until"] = _date(kept["peak_until"])
        peak["extra_minutes"] = _number(kept["peak_minutes"] or "0")
    return {
        "from": _date(kept["from"]),
        "until": _date(kept["until"]),
        "bulletins": ALL_FORMS if kept["scope"] == "all" else kept["bulletins"],
        "coverage": {"times": _number(kept["times"]), "days": _number(kept["days"])},
        "peak": peak,
    }


def campaign_kept(raw: Mapping[str, Any]) -> dict:
    """A campaign file's fields as the form shows them."""
    peak = raw.get("peak") if isinstance(raw.get("peak"), dict) else {}
    coverage = raw.get("coverage") if isinstance(raw.get("coverage"), dict) else {}
    bulletins = raw.get("bulletins")
    return {
        "from": _shown(raw.get("from")),
        "until": _shown(raw.get("until")),
        "scope": "some" if isinstance(bulletins, list) else "all",
        "bulletins": list(bulletins) if isinstance(bulletins, list) else [],
        "times": str(coverage.get("times", 1)),
        "days": str(coverage.get("days", 14)),
        "peak_from": _shown(peak.get("from")),
        "peak_until": _shown(peak.get("until")),
        "peak_minutes": str(peak.get("extra_minutes", "")) if peak else "",
    }


def _date(text: str) -> Any:
    """A date the file can hold, or the text as typed (so the check names it)."""
    return parse_date(text) or text


def _number(text: str) -> Any:
    return int(text) if text.isdigit() else text


def _shown(value: Any) -> str:
    return date_text(value) if hasattr(value, "isoformat") else str(value or "")
