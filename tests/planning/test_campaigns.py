"""Campaigns: the shipped ones read, cross-checks name the file and line of each mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcaster.errors import ScheduleError
from broadcaster.library.bulletins import load_library
from broadcaster.planning.campaigns import (
    Peak,
    check_bulletin_ids,
    check_campaign_slots,
    load_campaign,
    load_schedule,
    slots_on,
)
from broadcaster.planning.stations import load_network

from .factories import DAILY, MONDAY, campaign, network, slot

REPO = Path(__file__).resolve().parents[2]
STATIONS = REPO / "schedules" / "vinh-bao.yaml"
CAMPAIGNS = sorted((REPO / "schedules" / "campaigns").glob("*.yaml"))


def write(tmp_path: Path, text: str, name: str = "campaign.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", CAMPAIGNS, ids=lambda p: p.stem)
def test_shipped_campaigns_pass_every_check_against_the_shipped_stations(path):
    known = {b.id for b in load_library(REPO / "bulletins")}
    network_, (campaign_,) = load_schedule(STATIONS, [path], known_ids=known)
    assert campaign_.id == path.stem
    assert campaign_.start < campaign_.end
    if campaign_.peak is not None:
        assert campaign_.peak.extra_minutes or campaign_.peak.extra_slots
    assert len(network_.communes) >= 10


def test_the_2023_campaign_covers_all_forms_every_fourteen_days():
    campaign_ = load_campaign(REPO / "schedules" / "campaigns" / "24-hinh-thuc-2023.yaml")
    assert campaign_.bulletin_ids is None
    assert campaign_.covers("f07-gia-danh-cong-ty-tai-chinh-ngan-hang", 7)
    assert not campaign_.covers("mo-dau", None)
    assert (campaign_.coverage.times, campaign_.coverage.days) == (1, 14)


BROKEN = """\
id: Chiến dịch
name: 42
from: 2023-08-01
until: 2023-07-01
bulletins:
  - f01-combo-du-lich
  - F02
  - f01-combo-du-lich
coverage: {times: 0, days: 14, weeks: 2}
peak:
  from: 2023-13-01
  until: 2023-08-10
  extra_slots:
    - {days: daily, start: "11h", minutes: 15}
    - {days: daily, start: "6:80", minutes: 15}
colour: red
"""

EXPECTED = [
    (1, "id must be lowercase ascii"),
    (2, "name must be text"),
    (4, "until 2023-07-01 is before from 2023-08-01"),
    (7, "bulletin id must be lowercase ascii letters, digits and dashes; got 'F02'"),
    (8, "bulletin 'f01-combo-du-lich' is listed twice"),
    (9, "coverage times must be a whole number 1..100; got 0"),
    (9, "unknown field 'weeks' (known: times, days)"),
    (11, "from must be a date written YYYY-MM-DD; got '2023-13-01'"),
    (15, "no such time of day: '6:80'"),
    (16, "unknown field 'colour'"),
]


def test_every_campaign_problem_is_reported_at_once_with_file_and_line(tmp_path):
    with pytest.raises(ScheduleError) as caught:
        load_campaign(write(tmp_path, BROKEN))
    found = [(p.line, p.message) for p in caught.value.problems]
    for line, fragment in EXPECTED:
        assert any(n == line and fragment in m for n, m in found), (line, fragment, found)
    assert len(found) == len(EXPECTED), found


GOOD = """\
id: thu-nghiem
name: Chiến dịch thử nghiệm
from: 2023-08-01
until: 2023-08-31
bulletins:
  - f01-combo-du-lich
  - f99-khong-co
  - f14-gia-danh-cong-an-vien-kiem-sat-toa-an
  - mot-ban-tin-la
coverage: {times: 1, days: 14}
peak:
  from: 2023-08-07
  until: 2023-08-13
  extra_minutes: 10
  extra_slots:
    - {days: daily, start: "6:10", minutes: 15}
  stations: [tt-vinh-bao, dai-huyen-vinh-bao, khong-co-xa-nay]
"""


def test_unknown_bulletin_ids_are_named_with_their_line(tmp_path):
    campaign_ = load_campaign(write(tmp_path, GOOD))
    known = {"f01-combo-du-lich", "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"}
    problems = check_bulletin_ids(campaign_, known)
    assert [(p.line, p.message) for p in problems] == [
        (7, "unknown bulletin id 'f99-khong-co'"),
        (9, "unknown bulletin id 'mot-ban-tin-la'"),
    ]
    assert all(p.source.endswith("campaign.yaml") for p in problems)


def test_peak_airtime_must_fit_the_stations_day(tmp_path):
    campaign_ = load_campaign(write(tmp_path, GOOD))
    messages = [
        (p.line, p.message) for p in check_campaign_slots(campaign_, load_network(STATIONS))
    ]
    assert (11, "peak: unknown station 'khong-co-xa-nay'") in messages
    # The district's 6:00 slot, 40 minutes long in the peak, collides with the extra 6:10 slot.
    assert any(
        line == 16 and "at station 'dai-huyen-vinh-bao' overlaps slot 06:00-06:40 daily" in m
        for line, m in messages
    ), messages
    assert len(messages) == 2, messages  # the commune's 6:30 slot starts after 6:25


def test_load_schedule_reports_both_files_and_the_cross_checks_at_once(tmp_path):
    stations = write(
        tmp_path,
        STATIONS.read_text(encoding="utf-8").replace('start: "6:30"', 'start: "6:70"'),
        "stations.yaml",
    )
    campaign_file = write(tmp_path, GOOD.replace("from: 2023-08-01", "from: 2023-08-32"))
    with pytest.raises(ScheduleError) as caught:
        load_schedule(stations, [campaign_file], known_ids={"f01-combo-du-lich"})
    text = str(caught.value)
    assert "stations.yaml:" in text and "no such time of day: '6:70'" in text
    assert "campaign.yaml:3: from must be a date" in text


def test_load_schedule_checks_slot_lengths_when_durations_are_known(tmp_path):
    campaign_file = write(tmp_path, GOOD.replace("minutes: 15}", "minutes: 1}"))
    with pytest.raises(ScheduleError) as caught:
        load_schedule(STATIONS, [campaign_file], durations={"f01-combo-du-lich": 95.0})
    problems = caught.value.problems
    assert any(
        p.source.endswith("campaign.yaml") and p.line == 16 and "lasts 1 min" in p.message
        for p in problems
    ), problems


PEAK = Peak(
    MONDAY + dt.timedelta(days=7),
    MONDAY + dt.timedelta(days=13),
    extra_minutes=5,
    extra_slots=(slot("11:00", 15, DAILY),),
    stations=frozenset({"xa-00"}),
)


@pytest.mark.parametrize(
    ("station_id", "day", "expected"),
    [
        ("xa-00", MONDAY, [("06:30", 15), ("17:30", 15)]),
        ("xa-00", MONDAY + dt.timedelta(days=7), [("06:30", 20), ("11:00", 15), ("17:30", 20)]),
        ("xa-00", MONDAY + dt.timedelta(days=12), [("11:00", 15)]),  # a Saturday of the peak
        ("xa-01", MONDAY + dt.timedelta(days=7), [("06:30", 15), ("17:30", 15)]),
        ("xa-00", MONDAY + dt.timedelta(days=14), [("06:30", 15), ("17:30", 15)]),
    ],
)
def test_a_peak_lengthens_and_adds_slots_only_where_and_when_it_applies(station_id, day, expected):
    net = network(2)
    slots = slots_on(net.get(station_id), day, campaign(days=21, peak=PEAK))
    assert [(f"{s.start:%H:%M}", s.minutes) for s in slots] == expected


EVERY_MISTAKE = """\
timezone: Asia/Hanoi
producer:
  id: dai-huyen
  name: Đài huyện
  level: district
  slots:
    - {days: daily, start: "6:00", minutes: 30}
    - {days: daily, start: "6:15", minutes: 30}
communes:
  - id: tam-cuong
    name: Xã Tam Cường
    slots: [{days: mon-fri, start: "6h70", minutes: 15}]
  - id: co-am
    name: Xã Cổ Am
    slots: [{days: mon-funday, start: "6:30", minutes: 15}]
  - id: vinh-tien
    name: Xã Vĩnh Tiến
    slots: [{days: mon-fri, start: "6:30", minutes: 1}]
  - id: vinh-tien
    name: Xã Vĩnh Tiến (lặp)
    slots: [{days: mon-fri, start: "17:30", minutes: 15}]
"""


def test_every_kind_of_schedule_mistake_is_reported_in_one_go(tmp_path):
    stations = write(tmp_path, EVERY_MISTAKE, "stations.yaml")
    campaign_file = write(tmp_path, GOOD.split("peak:")[0])
    with pytest.raises(ScheduleError) as caught:
        load_schedule(
            stations,
            [campaign_file],
            known_ids={"f01-combo-du-lich", "f14-gia-danh-cong-an-vien-kiem-sat-toa-an"},
            durations={"f01-combo-du-lich": 95.0},
        )
    lines = str(caught.value).splitlines()
    expected = [
        "stations.yaml:1: unknown time zone 'Asia/Hanoi'",
        "stations.yaml:8: slot 06:15-06:45 daily at station 'dai-huyen' overlaps",
        "stations.yaml:12: no such time of day: '6h70'",
        "stations.yaml:15: bad weekdays 'mon-funday'",
        "stations.yaml:18: slot 06:30-06:31 Mon-Fri at station 'vinh-tien' lasts 1 min",
        "stations.yaml:19: duplicate station id 'vinh-tien' (also on line 16)",
        "campaign.yaml:7: unknown bulletin id 'f99-khong-co'",
        "campaign.yaml:9: unknown bulletin id 'mot-ban-tin-la'",
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)
    assert lines[0] == f"schedule: {len(expected)} problems"
