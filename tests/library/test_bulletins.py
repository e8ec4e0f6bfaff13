"""The bulletin library: the shipped one is complete, a broken one is explained line by line."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from broadcaster.errors import LibraryError
from broadcaster.library.bulletins import (
    LEAFLET_LINE_CHARS,
    MAX_BODY_CHARS,
    Kind,
    Priority,
    load_library,
)

TITLES = {
    1: "Combo du lịch giá rẻ",
    2: "Cuộc gọi video Deepfake, Deepvoice",
    14: "Giả danh công an, viện kiểm sát, tòa án",
    24: "Cho số đánh đề",
}

GOOD = """\
id: {id}
form: 3
kind: bulletin
title: '"Khóa SIM" vì chưa chuẩn hóa thuê bao'
priority: thuong
valid_from: 2023-01-01
valid_until: null
body: |
  Thưa bà con, đối tượng gọi điện báo sắp khóa SIM.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_library_covers_all_24_forms(repo):
    library = load_library(repo / "bulletins")
    assert library.missing_forms == []
    forms = [b.form for b in library if b.kind is Kind.BULLETIN]
    assert sorted(forms) == list(range(1, 25))
    for number, title in TITLES.items():
        (bulletin,) = [b for b in library if b.form == number]
        assert bulletin.title == title


def test_shipped_bulletins_are_one_to_two_minutes_of_speech(repo):
    for bulletin in load_library(repo / "bulletins"):
        if bulletin.kind is Kind.BULLETIN:
            assert 120 <= bulletin.word_count <= 300, bulletin.id
        assert unicodedata.is_normalized("NFC", bulletin.body), bulletin.id


def test_opening_comes_first_and_closing_last(repo):
    library = list(load_library(repo / "bulletins"))
    assert library[0].kind is Kind.OPENING
    assert library[-1].kind is Kind.CLOSING


def test_a_valid_file_becomes_a_bulletin(tmp_path):
    write(tmp_path, "f03-khoa-sim", GOOD.format(id="f03-khoa-sim"))
    (bulletin,) = load_library(tmp_path)
    assert bulletin.priority is Priority.THUONG
    assert bulletin.valid_from == dt.date(2023, 1, 1)
    assert bulletin.body == "Thưa bà con, đối tượng gọi điện báo sắp khóa SIM."
    assert bulletin.is_valid_on(dt.date(2030, 1, 1))


def test_every_problem_in_a_broken_library_is_reported_with_file_and_line(tmp_path):
    write(tmp_path, "a-syntax", "id: a-syntax\ntitle: [unclosed\n")
    write(tmp_path, "b-unknown", GOOD.format(id="b-unknown") + "colour: red\n")
    write(tmp_path, "c-dates", GOOD.format(id="c-dates").replace("2023-01-01", "2023-13-01"))
    write(tmp_path, "d-empty", GOOD.format(id="d-empty").split("body:")[0] + 'body: "  "\n')
    write(tmp_path, "e-missing", "id: e-missing\nkind: bulletin\n")
    write(tmp_path, "f-form", GOOD.format(id="f-form").replace("form: 3", "form: 25"))
    write(tmp_path, "g-priority", GOOD.format(id="g-priority").replace("thuong", "urgent"))
    write(tmp_path, "h-dup", GOOD.format(id="b-unknown"))
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path)
    message = str(caught.value)
    assert "a-syntax.yaml:3: YAML syntax error" in message
    assert "b-unknown.yaml:10: unknown field 'colour'" in message
    assert (
        "c-dates.yaml:6: valid_from must be a date written YYYY-MM-DD; got '2023-13-01'" in message
    )
    assert "d-empty.yaml:8: body is empty" in message
    assert "e-missing.yaml:1: missing field 'title'" in message
    assert "e-missing.yaml:1: missing field 'body'" in message
    assert "f-form.yaml:2: form must be a number from 1 to 24" in message
    assert "g-priority.yaml:5: priority must be one of thuong, uu_tien, khan_cap" in message
    assert "h-dup.yaml:1: id 'b-unknown' must match the file name 'h-dup'" in message


def test_duplicate_ids_name_both_files(tmp_path):
    write(tmp_path, "same", GOOD.format(id="same"))
    (tmp_path / "same.yml").write_text(GOOD.format(id="same"), encoding="utf-8")
    with pytest.raises(
        LibraryError, match=r"same\.yml:1: duplicate id 'same' \(also in .*same\.yaml\)"
    ):
        load_library(tmp_path)


def test_duplicate_keys_are_not_silently_dropped(tmp_path):
    write(tmp_path, "k", GOOD.format(id="k") + "title: Một tiêu đề khác\n")
    with pytest.raises(LibraryError, match=r"k\.yaml:10: duplicate key 'title'"):
        load_library(tmp_path)


def test_valid_until_before_valid_from_is_refused(tmp_path):
    write(
        tmp_path, "v", GOOD.format(id="v").replace("valid_until: null", "valid_until: 2022-12-31")
    )
    with pytest.raises(
        LibraryError, match="valid_until 2022-12-31 is before valid_from 2023-01-01"
    ):
        load_library(tmp_path)


def test_a_ten_thousand_character_body_is_refused_clearly(tmp_path):
    long_body = ("Bà con tuyệt đối không chuyển tiền cho người lạ. " * 220)[:10_000]
    write(tmp_path, "long", GOOD.format(id="long").split("body:")[0] + f"body: {long_body}\n")
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path)
    assert f"body is 10000 characters; the limit is {MAX_BODY_CHARS}" in str(caught.value)


def test_nfd_text_is_stored_as_nfc(tmp_path):
    write(tmp_path, "nfd", unicodedata.normalize("NFD", GOOD.format(id="nfd")))
    (bulletin,) = load_library(tmp_path)
    assert bulletin.title == '"Khóa SIM" vì chưa chuẩn hóa thuê bao'
    assert unicodedata.is_normalized("NFC", bulletin.body)


def test_missing_folder_and_empty_folder_are_clear(tmp_path):
    with pytest.raises(LibraryError, match="bulletin folder not found"):
        load_library(tmp_path / "nowhere")
    with pytest.raises(LibraryError, match=r"no bulletin files \(\*\.yaml\)"):
        load_library(tmp_path)


def test_select_keeps_the_given_order_and_refuses_unknown_ids(tmp_path):
    for name in ("a", "b"):
        write(tmp_path, name, GOOD.format(id=name))
    library = load_library(tmp_path)
    assert [b.id for b in library.select(["b", "a"])] == ["b", "a"]
    with pytest.raises(LibraryError, match="zzz: no bulletin has this id"):
        library.select(["a", "zzz"])


def test_every_shipped_form_bulletin_has_short_leaflet_text(repo):
    for bulletin in load_library(repo / "bulletins"):
        if bulletin.kind is not Kind.BULLETIN:
            assert bulletin.leaflet is None, bulletin.id
            continue
        leaflet = bulletin.leaflet
        assert leaflet is not None, bulletin.id
        assert 2 <= len(leaflet.recognise) <= 3, bulletin.id
        for line in (*leaflet.recognise, leaflet.act):
            assert len(line) <= LEAFLET_LINE_CHARS and unicodedata.is_normalized("NFC", line)


LEAFLET = """\
leaflet:
  recognise:
    - Gọi điện xưng nhà mạng, dọa khóa SIM.
    - Đòi ảnh CCCD.
  act: Tắt máy, gọi 113.
"""


def test_a_leaflet_becomes_part_of_the_bulletin(tmp_path):
    write(tmp_path, "sim", GOOD.format(id="sim") + LEAFLET)
    (bulletin,) = load_library(tmp_path)
    assert bulletin.leaflet.recognise == ("Gọi điện xưng nhà mạng, dọa khóa SIM.", "Đòi ảnh CCCD.")
    assert bulletin.leaflet.act == "Tắt máy, gọi 113."


def test_bad_leaflet_text_is_reported_with_file_and_line(tmp_path):
    long_line = "Kẻ gian gọi điện " * 5
    write(
        tmp_path, "a-long", GOOD.format(id="a-long") + LEAFLET.replace("Đòi ảnh CCCD.", long_line)
    )
    one = LEAFLET.replace("    - Đòi ảnh CCCD.\n", "")
    write(tmp_path, "b-one-line", GOOD.format(id="b-one-line") + one)
    write(tmp_path, "c-no-act", GOOD.format(id="c-no-act") + LEAFLET.split("  act:")[0])
    write(tmp_path, "d-unknown", GOOD.format(id="d-unknown") + LEAFLET + "  note: x\n")
    general = GOOD.format(id="e-general").replace("form: 3", "form: null")
    write(tmp_path, "e-general", general + LEAFLET)
    write(tmp_path, "f-text", GOOD.format(id="f-text") + "leaflet: Gọi 113\n")
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path)
    message = str(caught.value)
    assert (
        f"a-long.yaml:13: leaflet.recognise.1 is {len(long_line.strip())} characters; " in message
    )
    assert "the limit is 60" in message
    assert "b-one-line.yaml:11: leaflet.recognise must be a list of 2 or 3 lines" in message
    assert "c-no-act.yaml:10: leaflet.act is missing: one line on what to do" in message
    assert "d-unknown.yaml:15: unknown leaflet field 'note' (known: recognise, act)" in message
    assert "e-general.yaml:10: leaflet text belongs to a form bulletin" in message
    assert "f-text.yaml:10: leaflet must be a mapping with 'recognise'" in message
