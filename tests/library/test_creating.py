"""New bulletins as files: ids from titles, drafts checked on their fields, copies,
retirement and station limits, each read back by the library's own loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcaster.errors import LibraryError
from broadcaster.library import creating, editing
from broadcaster.library.bulletins import load_library
from broadcaster.library.creating import Draft

DAY = dt.date(2026, 11, 30)
STATIONS = {"co-am", "tam-cuong", "vinh-bao"}

LIMITED = """\
id: tin-xa
form: null
kind: bulletin
title: Vụ lừa đảo ở xã Cổ Am
priority: uu_tien
valid_from: 2026-11-01
stations:
  - co-am
  - tam-cuon
body: |
  Bà con xã Cổ Am chú ý.
"""


def draft(**fields) -> Draft:
    values = {"title": "Lừa đảo đầu tư tiền ảo", "body": "Bà con chú ý.", "valid_from": DAY}
    return Draft(**{**values, **fields})


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Lừa đảo đầu tư tiền ảo", "lua-dao-dau-tu-tien-ao"),
        ("ĐƯỜNG DÂY đánh bạc qua mạng!", "duong-day-danh-bac-qua-mang"),
        ("Cảnh báo: bão số 3 — Thứ Hai 1/12", "canh-bao-bao-so-3-thu-hai-1-12"),
        ("  …  ", ""),
    ],
)
def test_an_id_is_the_title_folded_to_ascii(title, slug):
    assert creating.slugify(title) == slug


def test_a_decomposed_title_gives_the_same_id():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Lừa đảo đầu tư tiền ảo")
    assert creating.slugify(nfd) == "lua-dao-dau-tu-tien-ao"


def test_a_long_title_is_cut_at_a_word():
    slug = creating.slugify("Cảnh báo " * 20)
    assert len(slug) <= creating.MAX_ID_CHARS and not slug.endswith("-")
    assert slug.startswith("canh-bao-canh-bao")


def test_a_new_bulletin_is_a_file_the_loader_reads(library_copy):
    before = len(load_library(library_copy))
    created = creating.create_bulletin(
        library_copy, draft(form="11", stations=("co-am",)), station_ids=STATIONS
    )
    assert created.id == "lua-dao-dau-tu-tien-ao"
    path = library_copy / "lua-dao-dau-tu-tien-ao.yaml"
    assert path.is_file()
    library = load_library(library_copy, station_ids=STATIONS)
    assert len(library) == before + 1
    loaded = library.get("lua-dao-dau-tu-tien-ao")
    assert (loaded.form, loaded.title, loaded.stations) == (
        11,
        "Lừa đảo đầu tư tiền ảo",
        ("co-am",),
    )
    assert loaded.body == "Bà con chú ý."
    assert not list(library_copy.glob(".tmp-*"))  # nothing left behind


def test_a_second_bulletin_with_the_same_title_gets_a_numbered_id(library_copy):
    ids = [creating.create_bulletin(library_copy, draft(), station_ids=None).id for _ in range(3)]
    assert ids == ["lua-dao-dau-tu-tien-ao", "lua-dao-dau-tu-tien-ao-2", "lua-dao-dau-tu-tien-ao-3"]


def test_a_title_that_is_a_panel_path_is_not_used_as_an_id(library_copy):
    assert (
        creating.create_bulletin(library_copy, draft(title="New"), station_ids=None).id == "new-2"
    )


def test_every_mistake_in_a_draft_is_named_on_its_field(library_copy):
    bad = Draft(
        title="",
        body="",
        form="25",
        priority="gap",
        valid_from="31/02/2026",
        valid_until=None,
        stations=("co-am", "khong-co"),
    )
    with pytest.raises(creating.DraftRefused) as refused:
        creating.create_bulletin(library_copy, bad, station_ids=STATIONS)
    fields = {r.field: r.code for r in refused.value.refusals}
    assert fields == {
        "title": "bulletin-title-required",
        "body": "bulletin-body-required",
        "form": "bulletin-form-invalid",
        "priority": "bulletin-priority-invalid",
        "valid_from": "bulletin-date-invalid",
        "stations": "bulletin-station-unknown",
    }
    unknown = next(r for r in refused.value.refusals if r.field == "stations")
    assert unknown.params["stations"] == ["khong-co"]
    assert sorted(p.name for p in library_copy.glob("*.yaml")) == sorted(
        p.name for p in (Path(__file__).parents[2] / "bulletins").glob("*.yaml")
    )


def test_a_draft_too_long_or_with_reversed_dates_is_refused_on_the_field():
    refused = creating.check_draft(
        draft(body="a" * 3001, valid_until=DAY - dt.timedelta(days=1)), station_ids=None
    )
    assert {r.field: r.code for r in refused} == {
        "body": "bulletin-body-too-long",
        "valid_until": "bulletin-dates-reversed",
    }


def test_a_duplicate_is_a_new_file_titled_as_a_copy(library_copy):
    creating.set_retired(library_copy, "f01-combo-du-lich", True, today=DAY)
    copy = creating.duplicate_bulletin(library_copy, "f01-combo-du-lich")
    assert copy.id == "combo-du-lich-gia-re-ban-sao"
    assert copy.title == "Combo du lịch giá rẻ (bản sao)"
    original = load_library(library_copy).get("f01-combo-du-lich")
    assert (copy.body, copy.form, copy.leaflet) == (original.body, 1, original.leaflet)
    assert not copy.retired and original.retired  # the copy is in use; the original stays retired


def test_retiring_keeps_the_bulletin_in_the_file_and_restoring_gives_the_file_back(library_copy):
    path = library_copy / "f05-gia-danh-giao-vien-nhan-vien-y-te.yaml"
    before = path.read_bytes()
    saved = creating.set_retired(library_copy, path.stem, True, today=DAY)
    assert saved.changed == ("retired", "retired_on")
    text = path.read_text(encoding="utf-8")
    assert "retired: true\nretired_on: 2026-11-30\n" in text
    bulletin = load_library(library_copy).get(path.stem)
    assert bulletin.retired and bulletin.retired_on == DAY  # still in the library, by its id
    creating.set_retired(library_copy, path.stem, False, today=DAY)
    assert path.read_bytes() == before
    assert not load_library(library_copy).get(path.stem).retired


def test_a_station_limit_naming_an_unknown_station_names_the_file_and_line(library_copy):
    (library_copy / "tin-xa.yaml").write_text(LIMITED, encoding="utf-8")
    assert load_library(library_copy).get("tin-xa").stations == ("co-am", "tam-cuon")
    with pytest.raises(LibraryError) as error:
        load_library(library_copy, station_ids=STATIONS)
    (problem,) = error.value.problems
    assert problem.source.endswith("tin-xa.yaml") and problem.line == 9
    assert "unknown station 'tam-cuon'" in problem.message


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        ("stations: co-am\n", 7, "stations must be a list"),
        ("stations: []\n", 7, "stations must be a list"),
        ("stations: [co-am, co-am]\n", 7, "listed twice"),
        ("stations: [Cổ Am]\n", 7, "station id must be lowercase"),
        ("retired: yes please\n", 7, "retired must be true or false"),
        ("retired_on: 2026-11-30\n", 7, "retired_on is set but retired is not true"),
        ("retired: true\nretired_on: mai\n", 8, "retired_on must be a date"),
    ],
)
def test_a_bad_limit_or_retirement_names_its_line(library_copy, fields, line, message):
    text = LIMITED.split("stations:")[0] + fields + "body: |\n  Bà con chú ý.\n"
    (library_copy / "tin-xa.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError) as error:
        load_library(library_copy)
    (problem,) = error.value.problems
    assert (Path(problem.source).name, problem.line) == ("tin-xa.yaml", line)
    assert message in problem.message


def test_an_edit_can_set_and_clear_a_station_limit(library_copy):
    bulletin_id = "f03-khoa-sim-chuan-hoa-thue-bao"
    editing.save_bulletin(library_copy, bulletin_id, {"stations": ["co-am"]}, station_ids=STATIONS)
    assert load_library(library_copy).get(bulletin_id).stations == ("co-am",)
    with pytest.raises(LibraryError):
        editing.save_bulletin(
            library_copy, bulletin_id, {"stations": ["khong-co"]}, station_ids=STATIONS
        )
    editing.save_bulletin(library_copy, bulletin_id, {"stations": editing.REMOVE})
    assert load_library(library_copy).get(bulletin_id).stations is None


def test_validate_names_the_file_and_line_of_a_station_the_schedule_lacks(run_cli, library_copy):
    (library_copy / "tin-xa.yaml").write_text(LIMITED, encoding="utf-8")
    env = {"BROADCASTER_LIBRARY_DIR": str(library_copy)}
    result = run_cli("validate", env=env)
    assert result.exit_code == 1
    assert "tin-xa.yaml:9: unknown station 'tam-cuon'" in result.output
    fixed = LIMITED.replace("tam-cuon\n", "tam-cuong\n")
    (library_copy / "tin-xa.yaml").write_text(fixed, encoding="utf-8")
    assert run_cli("validate", env=env).exit_code == 0
