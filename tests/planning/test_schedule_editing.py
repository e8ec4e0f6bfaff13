"""One set of schedule checks for the files and the panel's forms, and edits that touch only
the edited node of a file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from broadcaster import yamlsource
from broadcaster.errors import ScheduleError
from broadcaster.planning import editing
from broadcaster.planning.campaigns import check_schedule, load_schedule
from broadcaster.planning.editing import Files, Issue, SlotRow

REPO = Path(__file__).resolve().parents[2]
CAMPAIGNS = ("24-hinh-thuc-2023", "thuong-xuyen", "cao-diem-tet-2027")
SHORTEST = {"f01-combo-du-lich": 95.0}  # seconds of the shortest approved segment


@pytest.fixture
def files(tmp_path) -> Files:
    copy = tmp_path / "schedules"
    shutil.copytree(REPO / "schedules", copy)
    return Files(
        copy / "vinh-bao.yaml",
        tuple(copy / "campaigns" / f"{c}.yaml" for c in CAMPAIGNS),
        durations=SHORTEST,
    )


def test_the_loader_and_check_schedule_report_the_same_problems(tmp_path):
    stations = tmp_path / "stations.yaml"
    stations.write_text(
        "producer: {id: dai, name: Đài, level: district, slots: [{days: daily, start: '6:00', "
        "minutes: 30}]}\n"
        "communes:\n"
        "  - id: a\n"
        "    name: Xã A\n"
        "    slots:\n"
        "      - {days: daily, start: '6:00', minutes: 30}\n"
        "      - {days: mon, start: '6:10', minutes: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScheduleError) as raised:
        load_schedule(stations, [], durations=SHORTEST)
    _, _, problems = check_schedule(yamlsource.load_file(stations), [], durations=SHORTEST)
    assert raised.value.problems == problems
    assert sorted(p.code for p in problems) == ["slot-overlap", "slot-too-short"]
    assert {p.line for p in problems} == {7}


def row(days: str, start: str, minutes: str) -> SlotRow:
    return SlotRow(days, start, minutes)


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        (
            [row("t2-cn", "6:15", "15"), row("t2-cn", "6:20", "15")],
            [Issue("slots.1", "slot-overlap", "")],
        ),
        ([row("t2-cn", "6:15", "1")], [Issue("slots.0", "slot-too-short", "")]),
        ([row("t2-cn", "23:50", "15")], [Issue("slots.0", "slot-past-midnight", "")]),
        ([row("t2-cn", "25:00", "15")], [Issue("slots.0.start", "slot-start-invalid", "")]),
        ([row("thứ ba", "6:15", "15")], [Issue("slots.0.days", "slot-days-invalid", "")]),
        ([row("t2", "6:15", "mười")], [Issue("slots.0.minutes", "slot-minutes-invalid", "")]),
        ([], [Issue("slots", "slots-empty", "")]),
    ],
    ids=["overlap", "too-short", "past-midnight", "bad-time", "bad-days", "bad-minutes", "none"],
)
def test_each_slot_problem_is_named_on_its_field(files, slots, expected):
    before = files.stations.read_bytes()
    edit = editing.edit_station(files, "tam-cuong", name="Xã Tam Cường", slots=slots)
    assert [(i.field, i.code) for i in edit.issues] == [(e.field, e.code) for e in expected]
    assert edit.text == "" and files.stations.read_bytes() == before


def test_an_edit_rewrites_only_its_station_and_keeps_shared_slots(files):
    shipped = files.stations.read_text(encoding="utf-8")
    unchanged = editing.edit_station(
        files,
        "vinh-tien",
        name="Xã Vĩnh Tiến",
        slots=[row("t2-t6", "06:30", "15"), row("t2-t6", "17:30", "15")],
    )
    assert unchanged.ok and unchanged.text == shipped  # still on the communes' shared slots

    edit = editing.edit_station(
        files, "co-am", name="Xã Cổ Am, Vĩnh Bảo", slots=[row("t2, t4, t6", "7h", "20")]
    )
    assert edit.ok
    assert '  - id: co-am\n    name: "Xã Cổ Am, Vĩnh Bảo"\n    slots:\n' in edit.text
    assert '      - {days: [mon, wed, fri], start: "7:00", minutes: 20}\n' in edit.text
    block = (
        '- id: co-am\n    name: "Xã Cổ Am, Vĩnh Bảo"\n    slots:\n'
        '      - {days: [mon, wed, fri], start: "7:00", minutes: 20}'
    )
    assert edit.text.replace(block, "- {id: co-am, name: Xã Cổ Am}") == shipped  # nothing else
    assert edit.network.get("co-am").name == "Xã Cổ Am, Vĩnh Bảo"
    assert "Đài phát thanh huyện Vĩnh Bảo" in edit.text  # Vietnamese unescaped


def test_a_campaign_edit_is_checked_against_the_network_and_the_library(files):
    known = {"f01-combo-du-lich"}
    checked = Files(files.stations, files.campaigns, known_ids=known)
    edit = editing.edit_campaign(
        checked,
        "cao-diem-tet-2027",
        {
            "from": dt.date(2026, 12, 1),
            "until": "31/02/2027",
            "bulletins": ["f01-combo-du-lich"],
            "peak": {
                "from": dt.date(2027, 1, 18),
                "until": dt.date(2027, 2, 1),
                "extra_minutes": 900,
            },
        },
    )
    assert sorted((i.field, i.code) for i in edit.issues) == [
        ("peak.extra_minutes", "peak-minutes-invalid"),
        ("until", "date-invalid"),
    ]
    unknown = editing.edit_campaign(
        checked, "cao-diem-tet-2027", {"bulletins": ["f01-combo-du-lich", "khong-co"]}
    )
    assert [(i.field, i.code) for i in unknown.issues] == [("bulletins.1", "bulletin-unknown")]


def test_a_peak_is_added_or_removed_and_the_comments_stay(files):
    path = files.campaigns[0]
    removed = editing.edit_campaign(files, "24-hinh-thuc-2023", {"peak": None})
    assert removed.ok and "\npeak:" not in removed.text and "extra_minutes" not in removed.text
    assert "# The 2023 plan of the Vĩnh Bảo District People's Committee" in removed.text
    assert removed.text.endswith("Công an huyện.\n")

    outside = editing.edit_campaign(
        files,
        "thuong-xuyen",
        {"peak": {"from": dt.date(2030, 12, 1), "until": dt.date(2031, 1, 31), "extra_minutes": 5}},
    )
    assert [(i.field, i.code) for i in outside.issues] == [("peak", "peak-outside")]
    added = editing.edit_campaign(
        files,
        "thuong-xuyen",
        {"peak": {"from": dt.date(2027, 1, 4), "until": dt.date(2027, 1, 31), "extra_minutes": 5}},
    )
    assert added.ok and added.text.endswith(
        "coverage: {times: 1, days: 28}\n"
        "peak: {from: 2027-01-04, until: 2027-01-31, extra_minutes: 5}\n"
    )
    assert path.read_text(encoding="utf-8").startswith("# The 2023 plan")  # nothing written


def test_the_producer_s_level_is_edited_in_place(files):
    producer = "dai-huyen-vinh-bao"
    slots = [row("t2-cn", "6:00", "30"), row("t2-cn", "17:00", "30")]
    name = "Đài phát thanh huyện Vĩnh Bảo (Trung tâm Văn hóa - Thông tin và Thể thao)"
    edit = editing.edit_station(files, producer, name=name, slots=slots, level="province")
    shipped = files.stations.read_text(encoding="utf-8")
    assert edit.ok and edit.text == shipped.replace("level: district", "level: province")
    bad = editing.edit_station(files, producer, name=name, slots=slots, level="city")
    assert [(i.field, i.code) for i in bad.issues] == [("level", "level-invalid")]
