"""Edits to a station, its slots or a campaign, checked as the files are and written into them.

The panel never gets rules of its own: an edit becomes the whole document it
changes, which :func:`broadcaster.planning.campaigns.check_schedule` (the files'
own check) reads; each problem it finds in the edited node is put back on the
form field it came from, by the line it names in a block-style copy where every
key has a line of its own. Only then is the file changed, and only the edited
node's text: the comments and layout of the rest of the file stay as written.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from broadcaster import yamlsource
from broadcaster.errors import Problem
from broadcaster.planning.campaigns import Campaign, check_schedule
from broadcaster.planning.slots import DAY_NAMES, parse_days, parse_time
from broadcaster.planning.stations import DEFAULT_TIMEZONE, Network
from broadcaster.yamlsource import KeyPath

# Problems about a slot as a whole, shown on its row rather than on one of its fields.
SLOT_CODES = frozenset({"slot-overlap", "slot-too-short", "slot-past-midnight", "slot-missing"})


@dataclass(frozen=True)
class SlotRow:
    """A slot as typed in a form: weekdays, start, minutes."""

    days: str
    start: str
    minutes: str


@dataclass(frozen=True)
class Issue:
    """One problem with an edit: ``field`` is the edited node's key path ("slots.1.start"),
    empty when the problem is elsewhere (another station a campaign's peak now overlaps)."""

    field: str
    code: str
    message: str  # English, for the logs


@dataclass
class Edit:
    """An edited schedule document, checked: the text to write when ``issues`` is empty."""

    path: Path  # the file it replaces
    node: KeyPath  # where the edited node is in the document
    data: Any  # the whole edited document
    network: Network | None = None
    campaigns: tuple[Campaign, ...] = ()
    issues: list[Issue] = field(default_factory=list)
    text: str = ""  # the file's new text (only when there is no issue)

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class Files:
    """The schedule's files, and what the checks that need the library know."""

    stations: Path
    campaigns: tuple[Path, ...]
    default_timezone: str = DEFAULT_TIMEZONE
    known_ids: Collection[str] | None = None
    durations: Mapping[str, float] | None = None


def station_node(data: Any, station_id: str) -> KeyPath | None:
    """Where a station's mapping is in a stations document: producer or communes.N."""
    if isinstance(data, dict):
        if isinstance(data.get("producer"), dict) and data["producer"].get("id") == station_id:
            return ("producer",)
        for index, raw in enumerate(data.get("communes") or ()):
            if isinstance(raw, dict) and raw.get("id") == station_id:
                return ("communes", str(index))
    return None


def campaign_file(files: Files, campaign_id: str) -> Path | None:
    for path in files.campaigns:
        data = yamlsource.load_file(path).data
        if isinstance(data, dict) and data.get("id") == campaign_id:
            return path
    return None


def edit_station(
    files: Files,
    station_id: str,
    *,
    name: str,
    slots: Sequence[SlotRow],
    level: str | None = None,
) -> Edit:
    """The stations file with one station's name, slots (and the producer's level:
    district or province) replaced, checked.

    A commune that used the shared commune_slots keeps doing so when its slots are
    left as they were, so a later change of the shared slots still reaches it.
    """
    data = yamlsource.load_file(files.stations).data
    node = station_node(data, station_id)
    if node is None:
        raise KeyError(station_id)
    edited = copy.deepcopy(data)
    raw = _get(edited, node)
    raw["name"] = name.strip()
    if level is not None and node == ("producer",):
        raw["level"] = level
    rows = [_slot_value(row) for row in slots]
    inherited = "slots" not in raw and node != ("producer",)
    if inherited and _same_slots(rows, data.get("commune_slots")):
        rows = None
    if rows is not None:
        raw["slots"] = rows
    return _checked(files, Edit(files.stations, node, edited))


def edit_campaign(files: Files, campaign_id: str, changes: Mapping[str, Any]) -> Edit:
    """A campaign file with some top-level fields replaced (None removes one), checked."""
    path = campaign_file(files, campaign_id)
    if path is None:
        raise KeyError(campaign_id)
    edited = copy.deepcopy(yamlsource.load_file(path).data)
    for key, value in changes.items():
        if value is None:
            edited.pop(key, None)
        else:
            edited[key] = value
    return _checked(files, Edit(path, (), edited))


def slot_rows(raw_slots: Any) -> list[SlotRow]:
    """A file's slots as a form shows them: weekdays the Vietnamese way (t2-t6), 6:30."""
    rows = []
    for raw in raw_slots if isinstance(raw_slots, list) else ():
        if isinstance(raw, dict):
            days, _ = parse_days(raw.get("days"))
            start, _ = parse_time(raw.get("start"))
            rows.append(
                SlotRow(
                    vietnamese_days(days) if days else str(raw.get("days", "")),
                    f"{start:%H:%M}" if start else str(raw.get("start", "")),
                    str(raw.get("minutes", "")),
                )
            )
    return rows


def vietnamese_days(days: frozenset[int]) -> str:
    names = [("t2", "t3", "t4", "t5", "t6", "t7", "cn")[d] for d in sorted(days)]
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}-{names[-1]}"
    return ", ".join(names)


def _slot_value(row: SlotRow) -> dict[str, Any]:
    """Typed text as the loader would read it from a file; it judges, not we."""
    minutes: Any = row.minutes.strip()
    if minutes.isdigit():
        minutes = int(minutes)
    days, _ = parse_days(row.days)
    start, _ = parse_time(row.start)
    return {
        "days": _days_yaml(days) if days else row.days.strip(),
        "start": f"{start.hour}:{start.minute:02d}" if start else row.start.strip(),
        "minutes": minutes,
    }


def _days_yaml(days: frozenset[int]) -> str | list[str]:
    """As the shipped files write them: daily, mon-fri, or a list such as [mon, wed]."""
    ordered = sorted(days)
    if len(ordered) == 7:
        return "daily"
    names = [DAY_NAMES[d].lower() for d in ordered]
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{names[0]}-{names[-1]}"
    return names if len(names) > 1 else names[0]


def _same_slots(rows: list[dict], shared: Any) -> bool:
    def key(raw: Any) -> tuple | None:
        if not isinstance(raw, dict):
            return None
        days, _ = parse_days(raw.get("days"))
        start, _ = parse_time(raw.get("start"))
        return (days, start, raw.get("minutes"))

    if not isinstance(shared, list):
        return False
    return sorted(map(repr, map(key, rows))) == sorted(map(repr, map(key, shared)))


def _checked(files: Files, edit: Edit) -> Edit:
    """Run the schedule's checks on the edited document; write its text if they pass."""
    source = yamlsource.path_label(edit.path)
    block = yaml.safe_dump(edit.data, allow_unicode=True, sort_keys=False, width=10_000)
    located = yamlsource.load_text(block, source)
    documents = {files.stations: None, **dict.fromkeys(files.campaigns)}
    documents[edit.path] = located
    loaded = {p: d if d is not None else yamlsource.load_file(p) for p, d in documents.items()}
    network, campaigns, problems = check_schedule(
        loaded[files.stations],
        [loaded[p] for p in files.campaigns],
        default_timezone=files.default_timezone,
        known_ids=files.known_ids,
        durations=files.durations,
    )
    edit.network, edit.campaigns = network, campaigns
    edit.issues = [_issue(p, located, edit.node) for p in problems]
    if edit.ok:
        text = edit.path.read_text(encoding="utf-8")
        edit.text = splice(text, edit.node, _get(edit.data, edit.node))
        _same_meaning(edit, source)
    return edit


def _same_meaning(edit: Edit, source: str) -> None:
    """The spliced text must mean what was checked; anything else is a bug, not a user's."""
    again = yamlsource.load_text(edit.text, source).data
    if again != yaml.safe_load(yaml.safe_dump(edit.data, allow_unicode=True)):
        raise RuntimeError(f"editing {edit.path} would change more than the edited node")


def _issue(problem: Problem, located: yamlsource.Located, node: KeyPath) -> Issue:
    """A problem on the field of the edited node it names, by the line it gives."""
    if problem.source != located.source or problem.line is None:
        return Issue("", problem.code or "schedule-invalid", problem.message)
    at_line = [p for p, line in located.lines.items() if line == problem.line]
    inside = [p[len(node) :] for p in at_line if p[: len(node)] == node and len(p) > len(node)]
    if not inside:
        return Issue("", problem.code or "schedule-invalid", problem.message)
    where = max(inside, key=len)
    if problem.code in SLOT_CODES and not where[-1].isdigit():
        where = where[:-1]
    return Issue(".".join(where), problem.code or "schedule-invalid", problem.message)


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


# -- writing only the edited node's text ----------------------------------------------------


def splice(text: str, node_path: KeyPath, new: dict[str, Any]) -> str:
    """``text`` with the mapping at ``node_path`` made ``new``, key by key: a changed
    key's value is rewritten in place, a new key added after the last, a removed one
    dropped; everything else (comments included) is left as it was."""
    root = yaml.compose(text)
    node = root
    for part in node_path:
        if isinstance(node, yaml.SequenceNode):
            node = node.value[int(part)]
        else:
            node = next(v for k, v in node.value if k.value == part)
    old = yaml.safe_load(yaml.serialize(node))
    if node.flow_style:  # a one-line station: rewrite it whole, in block style when it grows
        column = node.start_mark.column
        rendered = _block(new, column) if _nested(new) else _flow(new)
        return text[: node.start_mark.index] + rendered + text[node.end_mark.index :]
    column = node.value[0][0].start_mark.column if node.value else 0
    edits: list[tuple[int, int, str]] = []
    for key_node, value_node in node.value:
        key = key_node.value
        if key not in new:
            start = text.rfind("\n", 0, key_node.start_mark.index) + 1
            end = text.find("\n", _end(value_node))
            edits.append((start, len(text) if end < 0 else end + 1, ""))
        elif new[key] != old[key]:
            colon = text.index(":", key_node.end_mark.index) + 1  # the value starts anew
            edits.append((colon, _end(value_node), _value(new[key], column)))
    added = [key for key in new if key not in old]
    if added:
        end = _end(node)
        lines = "".join(f"\n{' ' * column}{k}:{_value(new[k], column)}" for k in added)
        edits.append((end, end, lines))
    for start, end, rendered in sorted(edits, reverse=True):
        text = text[:start] + rendered + text[end:]
    return text if text.endswith("\n") else text + "\n"


def _end(node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past the
    comments and blank lines that follow it, so use its last value's end."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _end(last[1] if isinstance(last, tuple) else last)


def _nested(value: dict) -> bool:
    return any(isinstance(v, (list, dict)) for v in value.values())


def _scalar(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and ":" in value and value.replace(":", "").isdigit():
        return f'"{value}"'  # a time: quoted, or YAML 1.1 reads 6:30 as 390
    if isinstance(value, str) and any(c in value for c in ',[]{}#"\\'):
        return json.dumps(value, ensure_ascii=False)  # also valid YAML, inside a flow mapping
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _block(value: dict, column: int) -> str:
    """A mapping in block style whose first key continues the current line."""
    pad = "\n" + " " * column
    return pad.join(f"{k}:{_value(v, column)}" for k, v in value.items())


def _value(value: Any, column: int) -> str:
    """A value after ``key:``: a list of mappings (slots) one per line, a nested mapping
    in block style, the rest on the key's line."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        pad = "\n" + " " * (column + 2)
        return "".join(f"{pad}- {_flow(v)}" for v in value)
    if isinstance(value, list) and len(value) > 3:
        pad = "\n" + " " * (column + 2)
        return "".join(f"{pad}- {_flow(v)}" for v in value)
    if isinstance(value, dict) and _nested(value):
        return "\n" + " " * (column + 2) + _block(value, column + 2)
    return " " + _flow(value)
