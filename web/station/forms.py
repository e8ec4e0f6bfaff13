"""An operator's confirmation form, read into the claim the airing rule judges.

Only the reading of the form is here; what a claim must satisfy is
:mod:`broadcaster.airlog.confirm`, the same for the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from broadcaster.airlog import Outcome
from broadcaster.airlog.confirm import Claim
from broadcaster.errors import Refused
from web import fields

OUTCOMES = {outcome.value: outcome for outcome in Outcome}
FIELDS = ("outcome", "started_at", "started_date", "started_time", "reason", "corrects")


def claim_from(form: Mapping[str, str], zone: dt.tzinfo) -> Claim:
    """``form`` holds ``outcome``, the start as ``started_date`` (``30/11/2026``) and
    ``started_time`` (``06:31``) or as one ``started_at`` (``2026-11-30T06:31``), a
    wall-clock time in ``zone`` read for an aired item only, ``reason`` and ``corrects``."""
    outcome = OUTCOMES.get(form.get("outcome", ""))
    if outcome is None:
        raise Refused("outcome-unknown", "choose aired, failed or missed", field="outcome")
    corrects = form.get("corrects", "").strip()
    if corrects and not corrects.isdigit():
        raise Refused("corrects-invalid", "not an entry id", field="corrects")
    started = started_at(form, zone) if outcome is Outcome.AIRED else None
    return Claim(
        outcome=outcome,
        started_at=started,
        reason=form.get("reason", ""),
        corrects=int(corrects) if corrects else None,
    )


def started_at(form: Mapping[str, str], zone: dt.tzinfo) -> dt.datetime | None:
    """The start from the two Vietnamese fields, or from ``started_at`` when they are absent."""
    day_text = form.get("started_date", "").strip()
    clock_text = form.get("started_time", "").strip()
    if not day_text and not clock_text:
        return local_time(form.get("started_at", ""), zone)
    day, clock = fields.parse_date(day_text), fields.parse_clock(clock_text)
    if day is None or clock is None:
        raise Refused("start-invalid", "not a date and time", field="started_at")
    return dt.datetime.combine(day, clock, tzinfo=zone)


def shown(form: Mapping[str, str]) -> dict[str, str]:
    """``form`` with the start split for the two fields (a POST may have sent ``started_at``)."""
    shown = dict(form)
    if not shown.get("started_date") and not shown.get("started_time") and form.get("started_at"):
        try:
            moment = dt.datetime.fromisoformat(form["started_at"].strip())
        except ValueError:
            shown["started_time"] = form["started_at"]  # given back as typed, to fix
        else:
            shown["started_date"] = fields.date_text(moment.date())
            shown["started_time"] = f"{moment:%H:%M}"
    return shown


def local_time(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """``2026-11-30T06:31`` (an <input type="datetime-local">), a wall-clock time in ``zone``;
    None when empty (the rule then asks for it)."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise Refused("start-invalid", "not a date and time", field="started_at") from None
    if moment.tzinfo is not None:
        return moment.astimezone(zone)
    return moment.replace(tzinfo=zone)
