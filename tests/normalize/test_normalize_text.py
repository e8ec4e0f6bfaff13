"""Whole-text promises: mixed sentences, pass-through, NFC/NFD, line structure, speed."""

import time
import unicodedata

import pytest

from broadcaster.normalize import normalize

P = pytest.param
Y2023 = "hai nghìn không trăm hai mươi ba"

MIXED = [
    P(
        "Ngày 20/01/2023, Công an huyện phát hiện đối tượng lừa 20.000.000 VNĐ qua Zalo, "
        "số điện thoại 0912.345.678.",
        f"Ngày hai mươi tháng một năm {Y2023}, Công an huyện phát hiện đối tượng lừa hai mươi "
        "triệu đồng qua Zalo, số điện thoại không chín một hai ba bốn năm sáu bảy tám.",
        id="date-money-phone",
    ),
    P(
        "UBND xã đề nghị bà con gọi 113 hoặc báo CA xã khi nhận cuộc gọi lạ lúc 6h30 sáng.",
        "Ủy ban nhân dân xã đề nghị bà con gọi một một ba hoặc báo công an xã khi nhận cuộc gọi lạ "
        "lúc sáu giờ ba mươi phút sáng.",
        id="abbreviation-hotline-time",
    ),
    P(
        "Từ ngày 1/7/2025, theo Nghị định 49/2024/NĐ-CP, đài huyện dừng phát sóng; mọi thắc mắc "
        "gọi 0225.3.884.113.",
        "Từ ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm, theo Nghị định bốn mươi chín "
        "năm hai nghìn không trăm hai mươi bốn của Chính phủ, đài huyện dừng phát sóng; mọi thắc "
        "mắc gọi không hai hai năm ba tám tám bốn một một ba.",
        id="date-decree-landline",
    ),
    P(
        "Lãi suất 30%/tháng, nạp 500k nhận 1tr5 — đó là cái bẫy!",
        "Lãi suất ba mươi phần trăm mỗi tháng, nạp năm trăm nghìn nhận một triệu năm trăm nghìn — "
        "đó là cái bẫy!",
        id="informal-money",
    ),
    P(
        "Quý I/2023, Công an TP. Hải Phòng tiếp nhận 41 tin báo (tăng 15% so với cùng kỳ).",
        f"Quý một năm {Y2023}, Công an thành phố Hải Phòng tiếp nhận bốn mươi mốt tin báo (tăng "
        "mười lăm phần trăm so với cùng kỳ).",
        id="quarter-city-percent-parentheses",
    ),
    P(
        "Chỉ tra cứu trên canhbao.khonggianmang.gov.vn hoặc gọi 156; không cung cấp OTP, CCCD.",
        "Chỉ tra cứu trên canhbao chấm khonggianmang chấm gốp chấm vê en hoặc gọi một năm sáu; "
        "không cung cấp ô tê pê, căn cước công dân.",
        id="address-hotline-abbreviations",
    ),
    P(
        "Thứ 2, ngày 5/3, đài phát 3 bản tin: lúc 6h, 11h30 và 17h.",
        "Thứ hai, ngày năm tháng ba, đài phát ba bản tin: lúc sáu giờ, mười một giờ ba mươi phút "
        "và mười bảy giờ.",
        id="weekday-date-times",
    ),
]

UNCHANGED = [
    P("Không chuyển tiền cho người lạ, không cung cấp mật khẩu.", id="plain-advice"),
    P("Hãy cảnh giác trước những lời mời chào việc nhẹ lương cao!", id="exclamation"),
    P(
        "Bản tin kết thúc tại đây. Xin cảm ơn quý vị và các bạn đã lắng nghe.",
        id="closing-two-sentences",
    ),
    P("“Việc nhẹ, lương cao” – chiêu trò cũ nhưng vẫn nhiều người mắc bẫy…", id="quotes-dash"),
    P("Đối tượng dùng Facebook, Zalo, Telegram để tiếp cận nạn nhân.", id="platform-names"),
    P("  Kính thưa bà con nhân dân!  ", id="surrounding-spaces"),
    P("", id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), MIXED)
def test_mixed_rules_in_one_sentence(text, expected):
    out = normalize(text)
    assert out == expected
    assert not any(c.isdigit() for c in out)
    assert normalize(out) == out


@pytest.mark.parametrize("text", UNCHANGED)
def test_nothing_to_normalise_passes_through(text):
    assert normalize(text) == text


@pytest.mark.parametrize(
    "text",
    [
        P("Ngày 20/01/2023, UBND huyện ban hành kế hoạch.", id="date-abbreviation"),
        P("Hãy gọi ngay 113 khi bị đe dọa.", id="hotline"),
        P("Người dân Tp. Hải Phòng cần cảnh giác với HĐND giả.", id="abbreviation-with-D-stroke"),
        P("Lãi suất 3,5% là dấu hiệu lừa đảo.", id="percent"),
    ],
)
def test_nfd_input_gives_the_nfc_output(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    out = normalize(decomposed)
    assert out == normalize(text)
    assert unicodedata.is_normalized("NFC", out)


def test_lines_are_kept_and_none_added():
    text = (
        "BẢN TIN CẢNH BÁO LỪA ĐẢO\n"
        "\n"
        "Ngày 20/01/2023, đối tượng gọi từ số 0912 345 678.\n"
        "Gọi 113, 114 hoặc 115.\n"
        "Truy cập canhbao.khonggianmang.gov.vn.\n"
    )
    out = normalize(text)
    assert out.count("\n") == text.count("\n")
    assert out.split("\n")[0] == "BẢN TIN CẢNH BÁO LỪA ĐẢO"
    assert out.split("\n")[1] == ""
    assert out.endswith("\n")
    assert not any(c.isdigit() for c in out)


def test_no_rule_reaches_across_a_line_break():
    assert normalize("gọi\n113 vụ") == "gọi\nMột trăm mười ba vụ"
    assert (
        normalize("Tổng đài 1900\n1234")
        == "Tổng đài một chín không không\nMột nghìn hai trăm ba mươi bốn"
    )


def test_windows_line_endings_survive():
    assert normalize("Gọi 113.\r\nHết.\r\n") == "Gọi một một ba.\r\nHết.\r\n"


def test_thirty_bulletins_take_well_under_a_second():
    sentences = [case.values[0] for case in MIXED] + [case.values[0] for case in UNCHANGED]
    bulletin = " ".join(sentences)
    while len(bulletin) < 2000:
        bulletin += " " + bulletin
    bulletins = [bulletin[:2000] + str(i) for i in range(30)]
    normalize(bulletins[0])  # load the lexicon and compile its patterns once
    start = time.perf_counter()
    for text in bulletins:
        normalize(text)
    assert time.perf_counter() - start < 1.0
