"""The printed leaflet read back with poppler: two A4 pages, every title searchable with
its diacritics, fonts embedded, ink on both sides, nothing printed over anything else."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from broadcaster.atomic import write_bytes_atomic
from broadcaster.leaflet.content import build_content
from broadcaster.leaflet.pdf import MARGIN, render_pdf
from broadcaster.library.bulletins import LEAFLET_LINE_CHARS, Kind, load_library
from broadcaster.planning.stations import load_network

from . import poppler
from .stations import CO_AM_POLICE, TAM_CUONG_POLICE, with_police_numbers

DAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def leaflet(tmp_path_factory) -> tuple[Path, object]:
    """Co Am's leaflet, made once for the module."""
    repo = Path(__file__).resolve().parents[2]
    folder = tmp_path_factory.mktemp("leaflet")
    network = load_network(with_police_numbers(repo, folder))
    library = load_library(repo / "bulletins")
    content = build_content(
        library, network, issued=DAY, station_id="co-am", qr_url="https://canhbao.khonggianmang.vn"
    )
    path = folder / "co-am.pdf"
    write_bytes_atomic(path, render_pdf(content))
    return path, library


def test_every_title_is_searchable_with_its_diacritics(leaflet):
    path, library = leaflet
    text = poppler.text(path)
    assert unicodedata.is_normalized("NFC", text)
    titles = [b.title for b in library if b.kind is Kind.BULLETIN]
    assert len(titles) == 24
    missing = [t for t in titles if t not in text]
    assert missing == []
    assert "Giả danh công an, viện kiểm sát, tòa án" in text  # spot check, typed by hand
    assert "24 HÌNH THỨC LỪA ĐẢO TRÊN KHÔNG GIAN MẠNG" in text


def test_the_hotlines_the_commune_and_the_date_are_printed(leaflet):
    text = poppler.text(leaflet[0])
    assert "gọi ngay 113" in text
    assert f"Công an xã Cổ Am: {CO_AM_POLICE}" in text
    assert TAM_CUONG_POLICE not in text  # another commune's police
    assert "Đài phát thanh huyện Vĩnh Bảo" in text
    assert "Ngày 30/11/2026" in text
    assert "canhbao.khonggianmang.vn" in text


def test_two_a4_pages(leaflet):
    info = poppler.info(leaflet[0])
    assert info["Pages"] == "2"
    assert info["Page size"].startswith("595.276 x 841.89 pts (A4)")


def test_every_font_is_embedded_with_a_unicode_map(leaflet):
    fonts = poppler.fonts(leaflet[0])
    assert fonts, "no fonts: the text would not be text"
    assert all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    assert {f["name"].split("+")[-1] for f in fonts} == {
        "DejaVuSansCondensed",
        "DejaVuSansCondensed-Bold",
    }


@pytest.mark.parametrize("page", [1, 2])
def test_both_sides_carry_ink(leaflet, page, tmp_path):
    share = poppler.ink(leaflet[0], page, tmp_path)
    assert 0.05 < share < 0.5, share  # printed, and not a solid block


def test_nothing_is_printed_over_anything_else_or_off_the_page(leaflet):
    found, sizes = poppler.words(leaflet[0])
    assert len(found) > 800
    assert poppler.overlapping(found) == []
    for word in found:
        width, height = sizes[word.page - 1]
        inside = word.x0 >= MARGIN - 1 and word.x1 <= width - MARGIN + 1
        assert inside and word.y0 >= MARGIN - 1 and word.y1 <= height - MARGIN + 1, word


def test_the_longest_text_validation_allows_still_fits_two_pages(repo, library_copy, tmp_path):
    """Every form at its limit (three lines of the longest length): smaller type, no overflow."""
    longest = ("Người lạ gọi điện xưng cán bộ, đòi chuyển tiền ngay " * 3)[:LEAFLET_LINE_CHARS]
    for path in library_copy.glob("f*.yaml"):
        text = path.read_text(encoding="utf-8")
        item = f"    - {longest}\n"
        block = f"leaflet:\n  recognise:\n{item * 3}  act: {longest}\n"
        path.write_text(re.sub(r"leaflet:\n(  .*\n)+", block, text), encoding="utf-8")
    network = load_network(with_police_numbers(repo, tmp_path))
    content = build_content(load_library(library_copy), network, issued=DAY, station_id="co-am")
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_pdf(content))
    assert poppler.info(pdf)["Pages"] == "2"
    found, _ = poppler.words(pdf)
    assert poppler.overlapping(found) == []
    assert poppler.text(pdf).count(longest.strip()) == 24 * 4
