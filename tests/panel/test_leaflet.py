"""The leaflet in the panel: staff for the network or any commune, an operator for its own."""

from __future__ import annotations

import re

import pytest
from leaflet import poppler
from leaflet.stations import CO_AM_POLICE, TAM_CUONG_POLICE, with_police_numbers

from broadcaster.runtime import FixedClock, build_runtime

from .conftest import NOW


@pytest.fixture
def panel_runtime(repo, data_dir, library_copy, tmp_path):
    """No audio needed: the library, and stations that give police numbers."""
    return build_runtime(
        environ={
            "BROADCASTER_DATA_DIR": str(data_dir),
            "BROADCASTER_LIBRARY_DIR": str(library_copy),
            "BROADCASTER_SCHEDULE__STATIONS": str(with_police_numbers(repo, tmp_path)),
        },
        clock=FixedClock(NOW),
    )


def save_pdf(response, tmp_path):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(response.get_data())
    return path


def test_an_operator_downloads_its_communes_leaflet_with_its_police(as_role, tmp_path):
    operator = as_role("xa-co-am")
    page = operator.get("/station/co-am/today").get_data(as_text=True)
    assert 'href="/station/co-am/leaflet.pdf"' in page
    response = operator.get("/station/co-am/leaflet.pdf")
    assert "to-roi-24-hinh-thuc-co-am.pdf" in response.headers["Content-Disposition"]
    pdf = save_pdf(response, tmp_path)
    assert poppler.info(pdf)["Pages"] == "2"
    text = poppler.text(pdf)
    assert f"Công an xã Cổ Am: {CO_AM_POLICE}" in text
    assert TAM_CUONG_POLICE not in text
    assert "Ngày 30/11/2026" in text
    assert operator.get("/station/tam-cuong/leaflet.pdf").status_code == 403
    assert operator.get("/leaflet.pdf").status_code == 403


def test_staff_find_the_leaflets_from_the_content_page(as_role, tmp_path):
    staff = as_role("canbo")
    assert 'href="/leaflet"' in staff.get("/content/").get_data(as_text=True)
    page = staff.get("/leaflet").get_data(as_text=True)
    assert 'href="/leaflet.pdf"' in page
    assert 'href="/station/tam-cuong/leaflet.pdf"' in page
    assert f"113 · {TAM_CUONG_POLICE}" in page
    text = poppler.text(save_pdf(staff.get("/leaflet.pdf"), tmp_path))
    assert "Xã Cổ Am" not in text
    assert "Công an huyện" in text
    assert staff.get("/station/khong-co/leaflet.pdf").status_code == 404


def test_a_form_without_leaflet_text_gets_a_page_that_says_which_file(as_role, library_copy):
    path = library_copy / "f07-gia-danh-cong-ty-tai-chinh-ngan-hang.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"leaflet:\n(  .*\n)+", "", text), encoding="utf-8")
    response = as_role("canbo").get("/leaflet.pdf")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chưa tạo được tờ rơi" in page
    assert "Hình thức 7 chưa có nội dung tờ rơi: hãy thêm mục “leaflet:” vào bản tin." in page
    assert "f07-gia-danh-cong-ty-tai-chinh-ngan-hang.yaml)" in page  # which file to fix
    assert "needs leaflet text" not in page  # the English is the command line's
