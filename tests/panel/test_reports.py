"""Leadership reports: the coverage matrix, a commune's evidence, CSV for Excel, who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest

from broadcaster import airlog
from broadcaster.airlog import Airing, Outcome, Source
from broadcaster.runtime import FixedClock, build_runtime

from .conftest import NOW

VN = dt.timezone(dt.timedelta(hours=7))  # the panel's clock is pinned to Mon 30/11/2026 08:00
SHA = "3f" * 32
NOVEMBER = "from=2026-11-01&to=2026-11-30"
ROUTES = [
    "/reports/",
    "/reports/coverage",
    "/reports/station/co-am",
    "/reports/export/airings.csv",
    "/reports/export/coverage.csv",
]


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=VN)


def record(engine, station: str, form: int | None, outcome: Outcome, when: dt.datetime, **extra):
    started = None if outcome is Outcome.MISSED else when
    values = {
        "station_id": station,
        "bulletin_id": {
            7: "f07-gia-danh-cong-ty-tai-chinh-ngan-hang",
            14: "f14-gia-danh-cong-an-vien-kiem-sat-toa-an",
        }.get(form, "mo-dau"),
        "render_sha256": SHA,
        "outcome": outcome,
        "source": Source.OPERATOR,
        "recorded_by": "xa-co-am",
        "recorded_at": when + dt.timedelta(minutes=20),
        "form": form,
        "scheduled_at": when,
        "started_at": started,
        **extra,
    }
    return airlog.record(engine, Airing(**values))


@pytest.fixture
def panel_runtime(repo, data_dir):
    """Reports read the log, not audio: a runtime without the rendered bulletins."""
    return build_runtime(environ={"BROADCASTER_DATA_DIR": str(data_dir)}, clock=FixedClock(NOW))


@pytest.fixture
def log(panel_runtime, app):
    """Cổ Am aired form 7 twice (the second late on the last evening), then a correction
    turned a claimed airing of form 14 into a missed one; Tam Cường aired form 7 once
    from its playout; the producing station missed one item."""
    engine = panel_runtime.engine
    ids = {
        "first": record(engine, "co-am", 7, Outcome.AIRED, at(3, 17, 30)),
        "last": record(engine, "co-am", 7, Outcome.AIRED, at(28, 23, 30)),
        "claimed": record(engine, "co-am", 14, Outcome.AIRED, at(27, 17, 30)),
        "tam": record(
            engine,
            "tam-cuong",
            7,
            Outcome.AIRED,
            at(29, 6, 15),
            source=Source.PLAYOUT,
            recorded_by="playout@studio",
        ),
        "missed": record(
            engine, "dai-huyen-vinh-bao", 14, Outcome.MISSED, at(29, 6, 0), reason="Mất điện"
        ),
    }
    ids["correction"] = record(
        engine,
        "co-am",
        14,
        Outcome.MISSED,
        at(27, 17, 30),
        corrects=ids["claimed"],
        reason="Nhầm: hôm đó loa hỏng",
    )
    return ids


class MatrixRows(HTMLParser):
    """Station name -> the texts of its cells, from the matrix table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._in_matrix = self._in_body = False
        self._cells: list[str] | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table" and "matrix" in classes.split():
            self._in_matrix = True
        elif self._in_matrix and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self._cells = []
        elif self._cells is not None and tag in ("th", "td"):
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._text is not None:
            self._cells.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._cells:
            name = self._cells[0].replace("Đài sản xuất", "").strip()
            self.rows[name] = self._cells[1:]
            self._cells = None
        elif tag == "table" and self._in_matrix:
            self._in_matrix = self._in_body = False

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def matrix_rows(page: str) -> dict[str, list[str]]:
    parser = MatrixRows()
    parser.feed(page)
    return parser.rows


def test_the_leader_sees_the_matrix_with_last_dates_counts_and_never_aired_marks(as_role, log):
    page = as_role("lanhdao").get(f"/reports/?{NOVEMBER}").get_data(as_text=True)
    rows = matrix_rows(page)
    assert len(rows) == 14  # the producing station and the 13 communes, Vietnamese names
    producer = "Đài phát thanh huyện Vĩnh Bảo (Trung tâm Văn hóa - Thông tin và Thể thao)"
    assert list(rows)[:3] == [producer, "Thị trấn Vĩnh Bảo", "Xã Tam Cường"]
    co_am = rows["Xã Cổ Am"]
    assert co_am[0] == "1/24"
    assert co_am[7] == "28/11 2 lượt"  # form 7: last aired 28/11 (23:30, 16:30 UTC), twice
    assert co_am[14] == "✗ chưa phát"  # form 14: the claimed airing was corrected to missed
    assert co_am[1] == "✗ chưa phát"
    assert rows["Xã Tam Cường"][7] == "29/11 1 lượt"
    assert rows[producer] == ["0/24"] + ["✗ chưa phát"] * 24
    assert '<abbr title="7. Giả danh công ty tài chính, ngân hàng">7</abbr>' in page
    assert "đài đã phát đủ 24 hình thức" in page and "Đài sản xuất" in page


def test_the_dashboard_lists_missed_airings_and_quiet_stations(as_role, log):
    browser = as_role("lanhdao")
    page = browser.get(f"/reports/?{NOVEMBER}").get_data(as_text=True)
    problems = page[page.index('id="problems-title"') : page.index('id="quiet-title"')]
    assert "Mất điện" in problems and "29/11/2026 06:00" in problems
    assert "Nhầm: hôm đó loa hỏng" in problems  # the correction is a missed airing too
    quiet = page[page.index('id="quiet-title"') :]
    assert "Các đài chưa xác nhận phát sóng trong 3 ngày" in quiet
    assert "Xã Vĩnh Tiến" in quiet and "chưa từng phát" in quiet
    assert "Xã Cổ Am" not in quiet and "Xã Tam Cường" not in quiet  # both aired since Friday

    page = browser.get(f"/reports/?{NOVEMBER}&quiet_days=1").get_data(as_text=True)
    quiet = page[page.index('id="quiet-title"') :]
    assert "Các đài chưa xác nhận phát sóng trong 1 ngày" in quiet
    # Cổ Am last aired on Saturday night and was due on Monday at 6:30
    assert "Xã Cổ Am" in quiet and "28/11/2026 23:30" in quiet


def test_the_chart_is_inline_svg_with_a_title_per_bar_and_a_table(as_role, log):
    page = as_role("lanhdao").get(f"/reports/?{NOVEMBER}").get_data(as_text=True)
    assert page.count('<rect class="bar"') == 30  # a bar per day of November
    assert "<title>28/11/2026: 1 lượt phát</title>" in page
    assert "<title>29/11/2026: 1 lượt phát</title>" in page
    assert "<title>27/11/2026: 0 lượt phát</title>" in page  # the corrected airing is gone
    assert "Xem số liệu dạng bảng" in page and "<script" not in page


def test_search_and_the_gaps_filter_narrow_the_matrix(as_role, log, panel_runtime):
    for form in range(1, 25):  # the town airs every form
        record(panel_runtime.engine, "tt-vinh-bao", form, Outcome.AIRED, at(form, 6, 30))
    browser = as_role("lanhdao")
    page = browser.get(f"/reports/?{NOVEMBER}").get_data(as_text=True)
    assert matrix_rows(page)["Thị trấn Vĩnh Bảo"][0] == "24/24"
    assert '<span class="value">1/14</span>' in page  # stations with all 24 forms
    page = browser.get(f"/reports/coverage?{NOVEMBER}").get_data(as_text=True)
    assert len(matrix_rows(page)) == 14 and '<span class="value">1/14</span>' in page
    found = browser.get(f"/reports/coverage?{NOVEMBER}&q=co+am").get_data(as_text=True)
    assert list(matrix_rows(found)) == ["Xã Cổ Am"]  # without diacritics
    gaps = browser.get(f"/reports/coverage?{NOVEMBER}&only=gaps").get_data(as_text=True)
    assert len(matrix_rows(gaps)) == 13 and "Thị trấn Vĩnh Bảo" not in matrix_rows(gaps)


BAD_INPUT = {
    "/reports/?from=30-11-2026": "Từ ngày: “30-11-2026” không phải là ngày hợp lệ",
    "/reports/?from=2026-12-01&to=2026-11-01": (
        "Ngày bắt đầu (01/12/2026) sau ngày kết thúc (01/11/2026)"
    ),
    "/reports/?to=2026-02-30": "Đến ngày: “2026-02-30” không phải là ngày hợp lệ",
    "/reports/?from=2000-01-01": "Kỳ báo cáo dài tối đa 10 năm",
    "/reports/?quiet_days=abc": "Số ngày phải là số nguyên từ 1 đến 60",
    "/reports/coverage?page=0": "Số trang phải là số nguyên từ 1 đến 100000",
    "/reports/coverage?page=2": "Trang 2 không có: danh sách chỉ có 1 trang.",
    "/reports/station/co-am?from=hom-qua": "Từ ngày: “hom-qua” không phải là ngày hợp lệ",
    "/reports/export/airings.csv?to=31/13/2026": "Đến ngày: “31/13/2026” không phải",
}


def test_bad_input_gets_a_400_page_in_vietnamese(as_role):
    browser = as_role("lanhdao")
    for url, message in BAD_INPUT.items():
        response = browser.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert message in page and "Không lập được báo cáo" in page, url


def test_the_evidence_page_lists_every_airing_with_its_confirmer(as_role, log):
    browser = as_role("lanhdao")
    response = browser.get(f"/reports/station/co-am?{NOVEMBER}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nhật ký phát sóng tuyên truyền phòng, chống lừa đảo – Xã Cổ Am" in page
    assert (
        "từ 01/11/2026 đến 30/11/2026" in page and "Ngày in" in page and "30/11/2026 08:00" in page
    )
    for key in ("first", "last", "claimed", "correction"):
        assert f'<td data-label="Mục số">{log[key]}</td>' in page
    assert "Chi tiết từng lượt phát (4 mục)" in page
    assert "03/11/2026 17:30" in page and "28/11/2026 23:30" in page
    assert "Phạm Văn Loa" in page and "(xa-co-am)" in page  # the operator, by name
    assert "Cán bộ đài xác nhận" in page
    assert SHA[:12] in page
    assert f"Đã được đính chính bởi mục số {log['correction']}; không tính." in page
    assert f"Đính chính mục số {log['claimed']}." in page
    assert "Đã phát <strong>1/24</strong> hình thức" in page
    summary = page[page.index('id="summary-title"') : page.index('id="entries-title"')]
    assert "7. Giả danh công ty tài chính, ngân hàng" in summary
    assert "03/11/2026 17:30" in summary and "28/11/2026 23:30" in summary
    assert summary.count("chưa phát") == 23

    page = browser.get(f"/reports/station/tam-cuong?{NOVEMBER}").get_data(as_text=True)
    assert "playout@studio" in page and "Máy phát tự động" in page
    css = browser.get("/static/reports.css").get_data(as_text=True)
    assert "@page { size: A4" in css


def test_an_unknown_station_is_404(as_role, log):
    assert as_role("lanhdao").get("/reports/station/khong-co").status_code == 404
    assert as_role("lanhdao").get("/reports/export/airings.csv?station=khong-co").status_code == 404


def read_csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_airings_csv_streams_the_log_with_vietnamese_intact(as_role, log):
    browser = as_role("lanhdao")
    response = browser.get(f"/reports/export/airings.csv?{NOVEMBER}")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="nhat-ky-phat-song_01-11-2026_30-11-2026.csv"' in disposition
    assert "filename*=UTF-8''nh%E1%BA%ADt-k%C3%BD-ph%C3%A1t-s%C3%B3ng" in disposition
    header, *rows = read_csv(response)
    assert header[:3] == ["Mã mục", "Mã đài", "Tên đài"]
    assert "Người xác nhận" in header and "Được tính là đã phát" in header
    assert len(rows) == 6
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    last = by_id[log["last"]]
    assert last["Tên đài"] == "Xã Cổ Am"
    assert last["Tên bản tin"] == "Giả danh công ty tài chính, ngân hàng"  # quoted comma survives
    assert last["Giờ bắt đầu (Asia/Ho_Chi_Minh)"] == "2026-11-28 23:30:00"
    assert last["Kết quả"] == "Đã phát" and last["Được tính là đã phát"] == "Có"
    claimed = by_id[log["claimed"]]
    assert claimed["Bị đính chính bởi mục số"] == str(log["correction"])
    assert claimed["Được tính là đã phát"] == "Không"
    assert by_id[log["missed"]]["Lý do"] == "Mất điện"

    response = browser.get(f"/reports/export/airings.csv?{NOVEMBER}&station=co-am")
    header, *rows = read_csv(response)
    assert len(rows) == 4 and {row[2] for row in rows} == {"Xã Cổ Am"}
    assert "_Xa-Co-Am_" in response.headers["Content-Disposition"]


def test_the_coverage_csv_is_the_matrix(as_role, log):
    header, *rows = read_csv(as_role("lanhdao").get(f"/reports/export/coverage.csv?{NOVEMBER}"))
    assert header[:4] == ["Mã đài", "Tên đài", "Số hình thức đã phát", "Hình thức chưa phát"]
    assert header[16] == "7. Giả danh công ty tài chính, ngân hàng – số lượt"
    assert len(rows) == 14
    co_am = next(row for row in rows if row[1] == "Xã Cổ Am")
    assert co_am[2] == "1" and co_am[16:18] == ["2", "2026-11-28"]
    assert co_am[4:6] == ["0", "chưa phát"]


PERMISSIONS = {
    "lanhdao": [200, 200, 200, 200, 200],  # leaders: reports.view, logs.view, reports.export
    "canbo": [403, 403, 200, 403, 403],  # staff: logs.view only
    "xa-co-am": [403, 403, 403, 403, 403],  # operators: none, not even for their own station
    "quantri": [403, 403, 403, 403, 403],  # administrators: none
}


def test_who_may_see_what(as_role, browser):
    found = {
        name: [as_role(name).get(route).status_code for route in ROUTES] for name in PERMISSIONS
    }
    assert found == PERMISSIONS
    for route in ROUTES:  # anonymous visitors are sent to log in
        response = browser.get(route)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_see_the_evidence_without_export_or_dashboard_links(as_role, log):
    page = as_role("canbo").get(f"/reports/station/co-am?{NOVEMBER}").get_data(as_text=True)
    assert "Xã Cổ Am" in page
    assert "Tải CSV" not in page and "Về trang báo cáo" not in page


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x";"bấm")', "+1+1", "-2+3", "@SUM(A1)", "\tx"]
)
def test_a_typed_formula_reaches_excel_as_text(as_role, panel_runtime, typed):
    """A reason (typed by an operator, or sent by a platform) never runs in the reader's Excel."""
    entry = record(panel_runtime.engine, "co-am", 7, Outcome.MISSED, at(20, 6, 30), reason=typed)
    response = as_role("lanhdao").get(f"/reports/export/airings.csv?{NOVEMBER}")
    header, *rows = read_csv(response)
    (row,) = [dict(zip(header, r, strict=True)) for r in rows if int(r[0]) == entry]
    assert row["Lý do"] == "'" + typed
    assert row["Mã mục"] == str(entry)  # numbers stay numbers
