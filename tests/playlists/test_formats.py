"""The playlist, the plain-text and the HTML schedule of a day: exact text, parsed back."""

from __future__ import annotations

import dataclasses

from broadcaster.playlists.formats import playlist_m3u8, schedule_text
from broadcaster.playlists.printable import schedule_html
from broadcaster.playlists.sessions import station_day, whole_seconds

from .factories import SUNDAY, ZONE, commune, sample_day, sample_items
from .readers import parse_html, parse_m3u8

EXPECTED_M3U8 = (
    "#EXTM3U\r\n"
    "#PLAYLIST:Xã Tam Cường – Chủ nhật, ngày 29/11/2026\r\n"
    "# Buổi phát 06:30 – 06:45 (15 phút)\r\n"
    "#EXTINF:30,01 - Lời mở đầu chuyên mục\r\n"
    "01-0630-mo-dau.mp3\r\n"
    "#EXTINF:92,02 - Giả danh công ty tài chính, ngân hàng\r\n"
    "02-0630-f07-gia-danh-cong-ty-tai-chinh-ngan-hang.mp3\r\n"
    '#EXTINF:88,03 - "Khóa SIM" vì chưa chuẩn hóa thuê bao\r\n'
    "03-0630-f03-khoa-sim-chuan-hoa-thue-bao.mp3\r\n"
    "# Buổi phát 17:30 – 17:45 (15 phút)\r\n"
    "#EXTINF:61,04 - Cảnh báo khẩn: cuộc gọi giả danh công an\r\n"
    "04-1730-canh-bao-khan.mp3\r\n"
    "#EXTINF:104,05 - Giả danh công an, viện kiểm sát, tòa án\r\n"
    "05-1730-f14-gia-danh-cong-an-vien-kiem-sat-toa-an.mp3\r\n"
)


def test_playlist_is_exactly_extended_m3u_with_slot_headers():
    assert playlist_m3u8(sample_day()) == EXPECTED_M3U8


def test_playlist_parses_back_to_the_plan():
    day = sample_day()
    parsed = parse_m3u8(playlist_m3u8(day))
    assert parsed == [
        (whole_seconds(e.duration_s), f"{e.label} - {e.item.title}", e.file_name)
        for e in day.entries
    ]


def test_playlist_octets_are_what_vlc_and_mpv_expect():
    octets = playlist_m3u8(sample_day()).encode("utf-8")
    assert octets.startswith(b"#EXTM3U\r\n")  # first line, no BOM before it
    assert b"\n" not in octets.replace(b"\r\n", b"")  # CRLF only, never a bare LF
    for line in octets.decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            assert "/" not in line and "\\" not in line  # beside the playlist
            assert line.isascii()


def test_schedule_text_lists_every_item_with_its_time_form_priority_and_duration():
    text = schedule_text(sample_day())
    assert "\n" not in text.replace("\r\n", "")
    lines = text.splitlines()
    assert lines[:3] == [
        "LỊCH PHÁT THANH PHÒNG CHỐNG LỪA ĐẢO",
        "Đài: Xã Tam Cường",
        "Ngày: Chủ nhật, ngày 29/11/2026",
    ]
    expected = [
        ("[ ] 01. 06:30:00  Lời mở đầu chuyên mục", "Thời lượng 0:30 · Thông thường"),
        (
            "[ ] 02. 06:30:30  Giả danh công ty tài chính, ngân hàng",
            "Thời lượng 1:32 · Hình thức 7 · Thông thường",
        ),
        (
            '[ ] 03. 06:32:02  "Khóa SIM" vì chưa chuẩn hóa thuê bao',
            "Thời lượng 1:27 · Hình thức 3 · Ưu tiên",
        ),
        (
            "[ ] 04. 17:30:00  Cảnh báo khẩn: cuộc gọi giả danh công an",
            "Thời lượng 1:01 · Khẩn cấp",
        ),
        (
            "[ ] 05. 17:31:01  Giả danh công an, viện kiểm sát, tòa án",
            "Thời lượng 1:44 · Hình thức 14 · Thông thường",
        ),
    ]
    for first, second in expected:
        at = lines.index(first)
        assert lines[at + 1].strip() == second
    assert "Buổi phát 06:30 – 06:45 (15 phút)" in lines
    assert "Tổng thời lượng: 3:29 (3 bản tin)" in lines
    assert "Tổng thời lượng: 2:45 (2 bản tin)" in lines
    assert sum(line.startswith("Người phát (ký, ghi rõ họ tên)") for line in lines) == 2


def test_html_schedule_is_a_printable_vietnamese_page_with_a_row_per_item():
    page = parse_html(schedule_html(sample_day()))
    assert page.attrs["html"]["lang"] == "vi"
    assert page.attrs["meta"]["charset"] == "utf-8"
    assert "size: A4" in "".join(page.text)
    assert not {"script", "link", "img"} & set(page.tags)  # self-contained
    rows = [r for r in page.rows if r and r[0].isdigit()]
    assert [r[:6] for r in rows] == [
        ["01", "06:30:00", "Lời mở đầu chuyên mục", "—", "Thông thường", "0:30"],
        [
            "02",
            "06:30:30",
            "Giả danh công ty tài chính, ngân hàng",
            "Hình thức 7",
            "Thông thường",
            "1:32",
        ],
        [
            "03",
            "06:32:02",
            '"Khóa SIM" vì chưa chuẩn hóa thuê bao',
            "Hình thức 3",
            "Ưu tiên",
            "1:27",
        ],
        ["04", "17:30:00", "Cảnh báo khẩn: cuộc gọi giả danh công an", "—", "Khẩn cấp", "1:01"],
        [
            "05",
            "17:31:01",
            "Giả danh công an, viện kiểm sát, tòa án",
            "Hình thức 14",
            "Thông thường",
            "1:44",
        ],
    ]
    headers = next(r for r in page.rows if r and r[0] == "STT")
    assert "Đã phát" in headers and "Ghi chú" in headers
    text = "".join(page.text)
    assert "Xã Tam Cường" in text and "Chủ nhật, ngày 29/11/2026" in text
    assert text.count("Người phát (ký, ghi rõ họ tên)") == 2  # a signature per session


def test_html_escapes_titles_and_names_it_prints():
    hostile = '<script>alert("x")</script> & \'Khóa SIM\' "trúng thưởng"'
    items = [dataclasses.replace(i, title=hostile) for i in sample_items()]
    station = dataclasses.replace(commune(), name='Xã <img src=x onerror="alert(1)"> Cổ Am')
    day = station_day(station, SUNDAY, items, zone=ZONE)
    html = schedule_html(day)
    page = parse_html(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert "<script>" not in html
    titles = [r[2] for r in page.rows if r and r[0].isdigit()]
    assert titles == [hostile] * 5  # printed exactly as written
    assert 'Xã <img src=x onerror="alert(1)"> Cổ Am' in "".join(page.text)


def test_the_printed_sheet_says_where_its_tick_box_is():
    """The box is in the "Đã phát" column (the text file's is at the start of the line)."""
    page = schedule_html(sample_day())
    how = page[page.index('<p class="how">') :]
    how = how[: how.index("</p>")]
    assert "cột “Đã phát”" in how and "đầu dòng" not in how
    assert 'class="tick" data-label="Đã phát"' in page  # named on a phone, where rows stack
    assert "@media screen and (max-width: 640px)" in page
