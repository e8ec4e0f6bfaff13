"""What the leaflet says: every form from the library, and the right police number."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from broadcaster.errors import InvalidInput, LibraryError, ScheduleError
from broadcaster.leaflet.content import build_content
from broadcaster.library import creating
from broadcaster.library.bulletins import Kind, load_library
from broadcaster.planning.stations import load_network

from .stations import CO_AM_POLICE, DISTRICT_POLICE

DAY = dt.date(2026, 11, 30)


@pytest.fixture
def library(repo):
    return load_library(repo / "bulletins")


@pytest.fixture
def network(stations_file):
    return load_network(stations_file)


def test_the_24_forms_come_from_the_library_in_order(library, network):
    content = build_content(library, network, issued=DAY)
    titles = {b.form: b.title for b in library if b.kind is Kind.BULLETIN}
    assert [f.number for f in content.forms] == list(range(1, 25))
    assert [f.title for f in content.forms] == [titles[n] for n in range(1, 25)]
    f14 = content.forms[13]
    assert f14.recognise[0] == "Gọi điện tự xưng công an, viện kiểm sát, tòa án."
    assert "113" in f14.act
    assert content.issued_label == "Ngày 30/11/2026"


def test_a_commune_leaflet_gives_113_and_its_own_police(library, network):
    content = build_content(library, network, issued=DAY, station_id="co-am")
    assert content.commune == "Xã Cổ Am"
    assert [(h.label, h.number) for h in content.hotlines] == [
        ("Cảnh sát khẩn cấp", "113"),
        ("Công an xã Cổ Am", CO_AM_POLICE),
    ]


def test_the_network_leaflet_gives_the_producers_police(library, network):
    content = build_content(library, network, issued=DAY)
    assert content.commune is None
    assert [h.number for h in content.hotlines] == ["113", DISTRICT_POLICE]
    assert content.hotlines[1].label == "Công an huyện"


def test_a_commune_without_a_number_gets_113_only(library, network):
    content = build_content(library, network, issued=DAY, station_id="vinh-tien")
    assert [h.number for h in content.hotlines] == ["113"]


def test_an_unknown_station_is_named(library, network):
    with pytest.raises(InvalidInput, match="no station 'khong-co' in the schedule"):
        build_content(library, network, issued=DAY, station_id="khong-co")


def test_a_form_without_leaflet_text_is_refused_with_its_file(library_copy, network):
    path = library_copy / "f07-gia-danh-cong-ty-tai-chinh-ngan-hang.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"leaflet:\n(  .*\n)+", "", text), encoding="utf-8")
    with pytest.raises(LibraryError) as caught:
        build_content(load_library(library_copy), network, issued=DAY)
    assert "f07-gia-danh-cong-ty-tai-chinh-ngan-hang.yaml: form 7 needs leaflet text" in str(
        caught.value
    )


def test_a_police_number_yaml_reads_as_octal_is_refused_with_its_line(repo, tmp_path):
    text = (repo / "schedules" / "vinh-bao.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - {id: co-am, name: Xã Cổ Am}",
        "  - {id: co-am, name: Xã Cổ Am, police_phone: 0225377411}",
    )
    path = tmp_path / "stations.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "police_phone" in row)
    with pytest.raises(ScheduleError) as caught:
        load_network(path)
    assert f"stations.yaml:{line}: police_phone must be a phone number (in quotes" in str(
        caught.value
    )


def test_a_retired_bulletin_is_never_printed(library_copy, network):
    """Its leaflet text goes with it: a bulletin still in use gives the form's text, and a
    form whose only text is retired is refused, naming why."""
    f07 = "f07-gia-danh-cong-ty-tai-chinh-ngan-hang"
    in_use = creating.duplicate_bulletin(library_copy, f07)
    creating.set_retired(library_copy, f07, True, today=DAY)
    (form,) = [
        f
        for f in build_content(load_library(library_copy), network, issued=DAY).forms
        if f.number == 7
    ]
    assert form.title == in_use.title and form.source == in_use.source

    creating.set_retired(library_copy, in_use.id, True, today=DAY)
    with pytest.raises(LibraryError, match="form 7 has leaflet text only in retired bulletins"):
        build_content(load_library(library_copy), network, issued=DAY)
