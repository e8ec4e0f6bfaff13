"""Stations and slots: the shipped sample reads, a broken file is explained line by line."""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
import zoneinfo
from pathlib import Path

import pytest

from broadcaster.errors import ScheduleError
from broadcaster.planning.slots import check_timezone, local_datetime, parse_days, parse_time
from broadcaster.planning.stations import Level, check_slot_lengths, load_network

from .factories import DAILY, WEEKDAYS, network, slot

SAMPLE = Path(__file__).resolve().parents[2] / "schedules" / "vinh-bao.yaml"
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def write(tmp_path: Path, text: str, name: str = "stations.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sample_has_the_district_radio_and_at_least_ten_communes():
    net = load_network(SAMPLE)
    assert net.producer.level is Level.DISTRICT
    assert [(s.start, s.minutes, s.days) for s in net.producer.slots] == [
        (dt.time(6, 0), 30, DAILY),
        (dt.time(17, 0), 30, DAILY),
    ]
    assert len(net.communes) >= 10
    for commune in net.communes:
        assert commune.level is Level.COMMUNE
        morning, evening = commune.slots  # 15 minutes, at least Monday to Friday
        assert morning.start < dt.time(12) < evening.start
        assert morning.minutes == evening.minutes == 15
        assert morning.days >= WEEKDAYS and evening.days >= WEEKDAYS
        assert commune.id.isascii() and not commune.name.isascii()
        assert unicodedata.is_normalized("NFC", commune.name)
    names = {c.name for c in net.communes}
    assert {"Thị trấn Vĩnh Bảo", "Xã Tam Cường", "Xã Cổ Am"} <= names
    assert net.zone == HCM


def test_a_province_can_be_the_producer(tmp_path):
    path = write(
        tmp_path,
        "producer:\n"
        "  id: nguon-hai-phong\n"
        "  name: Hệ thống thông tin nguồn thành phố Hải Phòng\n"
        "  level: province\n"
        "  slots: [{days: daily, start: '5h30', minutes: 20}]\n"
        "communes:\n"
        "  - id: vinh-bao\n"
        "    name: Xã Vĩnh Bảo\n"
        "    slots: [{days: [t2, t4, t6], start: '18:00', minutes: 30}]\n",
    )
    net = load_network(path)
    assert net.producer.level is Level.PROVINCE
    assert net.producer.slots == (slot("5:30", 20, DAILY),)
    assert net.communes[0].slots == (slot("18:00", 30, frozenset({0, 2, 4})),)
    assert net.timezone == "Asia/Ho_Chi_Minh"  # the default zone when the file names none


BROKEN = """\
timezone: Asia/Hanoi
producer:
  id: Đài Huyện
  name: Đài huyện
  level: county
  slots:
    - {days: daily, start: "6:00", minutes: 30}
    - {days: daily, start: "6:20", minutes: 15}
communes:
  - id: tam-cuong
    name: Xã Tam Cường
    slots:
      - {days: mon-fri, start: "25:00", minutes: 15}
      - {days: mon-fri, start: "6h70", minutes: 15}
      - {days: funday, start: "17:30", minutes: 15}
      - {days: mon-fri, start: 6:30, minutes: 15}
  - id: tam-cuong
    name: Xã Tam Cường (bản sao)
    slots:
      - {days: sat, start: "23:50", minutes: 20}
      - {days: sat, start: "7:00", minutes: 0, colour: red}
  - id: co-am
  - id: vinh-tien
    name: Xã Vĩnh Tiến
    slots:
      - {days: [mon, wed], start: "17:30", minutes: 30}
      - {days: wed-fri, start: "17:45", minutes: 15}
"""

EXPECTED = [
    (1, "unknown time zone 'Asia/Hanoi'"),
    (3, "id must be lowercase ascii"),
    (5, "level must be district or province; got 'county'"),
    (8, "at station 'Đài Huyện' overlaps slot 06:00-06:30 daily (line 7) on every day"),
    (13, "no such time of day: '25:00'"),
    (14, "no such time of day: '6h70'"),
    (15, "bad weekdays 'funday'"),
    (16, 'write the start time in quotes, e.g. "6:30" (unquoted, YAML reads it as the number 390)'),
    (17, "duplicate station id 'tam-cuong' (also on line 10)"),
    (20, "slot 23:50-24:10 Sat runs past midnight"),
    (21, "minutes must be a whole number from 1 to 240; got 0"),
    (21, "unknown field 'colour'"),
    (22, "a Vietnamese name is needed"),
    (22, "no slots (or give commune_slots for every commune)"),
    (27, "overlaps slot 17:30-18:00 Mon,Wed (line 26) on Wed"),
]


def test_every_problem_is_reported_at_once_with_file_and_line(tmp_path):
    path = write(tmp_path, BROKEN)
    with pytest.raises(ScheduleError) as caught:
        load_network(path)
    problems = caught.value.problems
    found = [(p.line, p.message) for p in problems]
    for line, fragment in EXPECTED:
        assert any(n == line and fragment in m for n, m in found), (line, fragment, found)
    assert len(problems) == len(EXPECTED), found
    assert all(p.source.endswith("stations.yaml") for p in problems)
    assert "stations.yaml:13: no such time of day" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6:30", dt.time(6, 30)),
        ("06:30", dt.time(6, 30)),
        ("6h30", dt.time(6, 30)),
        ("17h", dt.time(17, 0)),
        ("17H05", dt.time(17, 5)),
        (" 0:00 ", dt.time(0, 0)),
        ("23:59", dt.time(23, 59)),
    ],
)
def test_times_are_read_as_wall_clock(text, expected):
    assert parse_time(text) == (expected, None)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("25:00", "no such time of day"),
        ("24:00", "no such time of day"),
        ("6h70", "no such time of day"),
        ("6:60", "no such time of day"),
        ("6:5", 'must look like "6:30"'),
        ("6", 'must look like "6:30"'),
        ("sáu giờ", 'must look like "6:30"'),
        ("", 'must look like "6:30"'),
        (None, 'must look like "6:30"'),
        (1500, 'in quotes, e.g. "25:00"'),  # YAML 1.1 read an unquoted 25:00 as 1500
        (6, 'in quotes, e.g. "6:00"'),
    ],
)
def test_bad_times_are_refused_with_a_reason(value, fragment):
    parsed, message = parse_time(value)
    assert parsed is None
    assert fragment in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("daily", {0, 1, 2, 3, 4, 5, 6}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("t2-t6", {0, 1, 2, 3, 4}),
        ("t7, cn", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        (["monday", "wed"], {0, 2}),
        ("sun", {6}),
    ],
)
def test_weekdays(value, expected):
    assert parse_days(value) == (frozenset(expected), None)


@pytest.mark.parametrize("value", ["funday", "mon-xyz", "mon-", "", 3, [], ["mon", 2], None])
def test_bad_weekdays_are_refused(value):
    days, message = parse_days(value)
    assert days is None
    assert "bad weekdays" in message


@pytest.mark.parametrize(
    ("zone", "ok"),
    [
        ("Asia/Ho_Chi_Minh", True),
        ("Asia/Saigon", True),
        ("UTC", True),
        ("Asia/Hanoi", False),  # not an IANA name
        ("+07:00", False),
        ("ICT", False),
        ("asia/ho_chi_minh", False),
        ("../../etc/passwd", False),
        ("/etc/localtime", False),
        ("", False),
        (7, False),
        (None, False),
    ],
)
def test_time_zones(zone, ok):
    assert (check_timezone(zone) is None) is ok


def test_a_bad_zone_from_the_settings_is_named_as_such(tmp_path):
    path = write(
        tmp_path,
        "producer: {id: p, name: Đài, level: district, slots: [{days: daily, start: '6:00', "
        "minutes: 30}]}\ncommunes: [{id: a, name: Xã A, slots: [{days: daily, start: '7:00', "
        "minutes: 15}]}]\n",
    )
    with pytest.raises(ScheduleError, match="settings: timezone: unknown time zone 'Mars/Base'"):
        load_network(path, default_timezone="Mars/Base")
    assert load_network(path, default_timezone="Asia/Bangkok").timezone == "Asia/Bangkok"


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (slot("6:30", 15), slot("6:40", 15), True),
        (slot("6:30", 15), slot("6:45", 15), False),  # back to back is fine
        (slot("6:30", 15, frozenset({0})), slot("6:30", 15, frozenset({1})), False),
        (slot("6:00", 60, DAILY), slot("6:59", 1, frozenset({6})), True),
        (slot("6:00", 30), slot("6:00", 30), True),
    ],
)
def test_overlaps_need_a_shared_day_and_minute(first, second, overlap):
    from broadcaster.planning.slots import check_overlaps

    assert bool(check_overlaps([first, second], "at station 'xa'")) is overlap


def test_slots_too_short_for_the_shortest_segment_are_named(tmp_path):
    net = load_network(SAMPLE)
    assert check_slot_lengths(net, {"f01": 95.0, "f02": 120.0}) == []
    problems = check_slot_lengths(net, {"f01": 16 * 60.0, "f02": 20 * 60.0})
    # every commune slot (15 min) is too short; the district's 30-minute ones are not
    assert len(problems) == 2 * len(net.communes)
    first = problems[0]
    assert first.source.endswith("vinh-bao.yaml") and first.line is not None
    assert "at station 'tt-vinh-bao' lasts 15 min" in first.message
    assert "shorter than the shortest segment ('f01', 960 s)" in first.message


@pytest.fixture
def process_tz(monkeypatch):
    """Set the process's own zone (TZ) for one test, and put it back afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("process_zone", ["UTC", "America/New_York", "Asia/Ho_Chi_Minh"])
def test_airings_do_not_shift_with_the_process_time_zone(process_tz, process_zone):
    process_tz(process_zone)
    assert time.strftime("%Z") != "" and time.tzname  # the process really runs in that zone
    start = local_datetime(dt.date(2023, 8, 7), dt.time(6, 30), HCM)
    assert start.isoformat() == "2023-08-07T06:30:00+07:00"
    assert start.astimezone(dt.UTC) == dt.datetime(2023, 8, 6, 23, 30, tzinfo=dt.UTC)
    assert start.timestamp() == 1691364600


def test_the_planner_gives_the_same_instants_under_utc(process_tz):
    from broadcaster.planning.planner import plan_day

    from .factories import MONDAY, campaign, forms

    net = network(2)
    process_tz("Asia/Ho_Chi_Minh")
    here = plan_day(MONDAY, net, campaign(), forms())
    process_tz("UTC")
    there = plan_day(MONDAY, net, campaign(), forms())
    assert here == there
    first = there.station("xa-00").slots[0]
    assert first.start.isoformat() == "2023-08-07T06:30:00+07:00"
    assert first.items[0].start.timestamp() == 1691364600


def test_overlapping_commune_slots_are_reported_once_not_per_commune(tmp_path):
    path = write(
        tmp_path,
        "producer: {id: p, name: Đài, level: province, slots: [{days: daily, start: '6:00', "
        "minutes: 30}]}\n"
        "commune_slots:\n"
        "  - {days: mon-fri, start: '6:30', minutes: 15}\n"
        "  - {days: fri, start: '6:40', minutes: 15}\n"
        "communes: [{id: a, name: Xã A}, {id: b, name: Xã B}, {id: c, name: Xã C}]\n",
    )
    with pytest.raises(ScheduleError) as caught:
        load_network(path)
    (problem,) = caught.value.problems
    assert problem.line == 4
    assert problem.message == (
        "slot 06:40-06:55 Fri in commune_slots overlaps slot 06:30-06:45 Mon-Fri (line 3) on Fri"
    )
