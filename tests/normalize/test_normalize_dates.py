"""Dates, times, ordinals and Roman numerals in bulletin sentences."""

import pytest

from broadcaster.normalize import normalize


def check(text: str, expected: str) -> None:
    out = normalize(text)
    assert out == expected
    assert not any(c.isdigit() for c in out), out
    assert normalize(out) == out, "normalising twice changed the text"


P = pytest.param
Y2023 = "hai nghìn không trăm hai mươi ba"
Y2024 = "hai nghìn không trăm hai mươi bốn"
Y2025 = "hai nghìn không trăm hai mươi lăm"

DATES = [
    P(
        "Ngày 20/01/2023, UBND huyện ban hành kế hoạch tuyên truyền.",
        f"Ngày hai mươi tháng một năm {Y2023}, ủy ban nhân dân huyện ban hành kế hoạch "
        "tuyên truyền.",
        id="ngay-written-not-doubled",
    ),
    P(
        "Kế hoạch có hiệu lực kể từ 20/01/2023.",
        f"Kế hoạch có hiệu lực kể từ ngày hai mươi tháng một năm {Y2023}.",
        id="ngay-added-sentence-end",
    ),
    P(
        "Ngày 5/3, bà N. nhận được cuộc gọi lạ.",
        "Ngày năm tháng ba, bà N. nhận được cuộc gọi lạ.",
        id="day-month-capital-ngay",
    ),
    P(
        "Cuộc gọi đầu tiên đến vào sáng 5/3/2024.",
        f"Cuộc gọi đầu tiên đến vào sáng ngày năm tháng ba năm {Y2024}.",
        id="d-m-yyyy",
    ),
    P(
        "Hạn chót nộp báo cáo là ngày 20-4-2023.",
        f"Hạn chót nộp báo cáo là ngày hai mươi tháng tư năm {Y2023}.",
        id="dashes-april-tu",
    ),
    P(
        "Vụ việc xảy ra ngày 07.09.2023 tại thôn Đông.",
        f"Vụ việc xảy ra ngày bảy tháng chín năm {Y2023} tại thôn Đông.",
        id="dots-date",
    ),
    P(
        "Đợt cao điểm tuyên truyền từ 15/3 đến 20/4.",
        "Đợt cao điểm tuyên truyền từ ngày mười lăm tháng ba đến ngày hai mươi tháng tư.",
        id="from-to-dates",
    ),
    P(
        "Số liệu được tính đến 07/2023.",
        f"Số liệu được tính đến tháng bảy năm {Y2023}.",
        id="mm-yyyy",
    ),
    P(
        "Riêng trong tháng 07/2023 đã xảy ra 5 vụ.",
        f"Riêng trong tháng bảy năm {Y2023} đã xảy ra năm vụ.",
        id="thang-written-not-doubled",
    ),
    P(
        "Tháng 4 là tháng cao điểm tuyên truyền.",
        "Tháng tư là tháng cao điểm tuyên truyền.",
        id="thang-tu",
    ),
    P(
        "Ngày 30 tháng 4 năm 2025, cả nước nghỉ lễ.",
        f"Ngày ba mươi tháng tư năm {Y2025}, cả nước nghỉ lễ.",
        id="date-in-words",
    ),
    P(
        "Tháng 1 năm 2024, xã tổ chức hội nghị tổng kết.",
        f"Tháng một năm {Y2024}, xã tổ chức hội nghị tổng kết.",
        id="month-one-not-gieng",
    ),
    P(
        "Trạm phát thanh huyện dừng phát sóng trước 31/12/2025.",
        f"Trạm phát thanh huyện dừng phát sóng trước ngày ba mươi mốt tháng mười hai năm {Y2025}.",
        id="december",
    ),
    P(
        "Đợt tuyên truyền diễn ra từ 15-20/3 tại các thôn.",
        "Đợt tuyên truyền diễn ra từ ngày mười lăm đến hai mươi tháng ba tại các thôn.",
        id="day-range-one-month",
    ),
    P(
        "Cao điểm là tháng 7-8 hằng năm.",
        "Cao điểm là tháng bảy đến tám hằng năm.",
        id="month-range",
    ),
    P(
        "Từ 20/01/2023 - 25/01/2023, công an xã đi từng nhà.",
        f"Từ ngày hai mươi tháng một năm {Y2023} đến ngày hai mươi lăm tháng một năm {Y2023}, "
        "công an xã đi từng nhà.",
        id="date-range-dash",
    ),
    P(
        "Đến ngày 24/7, đối tượng đã bị bắt giữ.",
        "Đến ngày hai mươi bốn tháng bảy, đối tượng đã bị bắt giữ.",
        id="24-7-after-ngay-is-a-date",
    ),
    P(
        "Ngày mùng 2/9, loa phát chương trình đặc biệt.",
        "Ngày mùng hai tháng chín, loa phát chương trình đặc biệt.",
        id="mung-written",
    ),
    P(
        "Từ ngày 1/7/2025, cả nước còn 34 tỉnh, thành phố.",
        f"Từ ngày một tháng bảy năm {Y2025}, cả nước còn ba mươi bốn tỉnh, thành phố.",
        id="reform-date",
    ),
    P(
        "Quý I/2023, số vụ lừa đảo qua mạng tăng mạnh.",
        f"Quý một năm {Y2023}, số vụ lừa đảo qua mạng tăng mạnh.",
        id="quarter-roman-year",
    ),
    P(
        "Báo cáo quý 4/2024 của Công an huyện đã được gửi.",
        f"Báo cáo quý bốn năm {Y2024} của Công an huyện đã được gửi.",
        id="quarter-digit-year",
    ),
    P(
        "Hệ thống ghi nhận giao dịch ngày 2023-01-20.",
        f"Hệ thống ghi nhận giao dịch ngày hai mươi tháng một năm {Y2023}.",
        id="iso-date",
    ),
    P(
        "Chiến dịch kéo dài trong tháng 3 - tháng 4/2023.",
        f"Chiến dịch kéo dài trong tháng ba đến tháng tư năm {Y2023}.",
        id="month-to-month-year",
    ),
    P(
        "BẢN TIN CẢNH BÁO (Số 05/2023)",
        f"BẢN TIN CẢNH BÁO (Số năm năm {Y2023})",
        id="bulletin-number-not-a-month",
    ),
    P(
        "Thời gian: 7h30. Ngày: 25/5/2023. Địa điểm: nhà văn hóa thôn.",
        f"Thời gian: bảy giờ ba mươi phút. Ngày: hai mươi lăm tháng năm năm {Y2023}. "
        "Địa điểm: nhà văn hóa thôn.",
        id="notice-fields-with-colons",
    ),
]

TIMES = [
    P(
        "Bản tin được phát lúc 6h30 hằng ngày.",
        "Bản tin được phát lúc sáu giờ ba mươi phút hằng ngày.",
        id="6h30",
    ),
    P("Chương trình phát lại lúc 6h tối.", "Chương trình phát lại lúc sáu giờ tối.", id="6h"),
    P(
        "Buổi chiều, loa phát lúc 17h00.",
        "Buổi chiều, loa phát lúc mười bảy giờ.",
        id="17h00-whole-hour",
    ),
    P(
        "Cuộc gọi đến lúc 11:45 trưa qua ứng dụng Zalo.",
        "Cuộc gọi đến lúc mười một giờ bốn mươi lăm phút trưa qua ứng dụng Zalo.",
        id="colon-time",
    ),
    P(
        "Họp tổ dân phố lúc 6h30' sáng mai.",
        "Họp tổ dân phố lúc sáu giờ ba mươi phút sáng mai.",
        id="minute-mark",
    ),
    P(
        "Đúng 6 giờ 30, hệ thống loa bắt đầu phát.",
        "Đúng sáu giờ ba mươi, hệ thống loa bắt đầu phát.",
        id="gio-in-words",
    ),
    P(
        "Vào 6h30 ngày 20/01/2023, bà H. nhận được tin nhắn trúng thưởng.",
        f"Vào sáu giờ ba mươi phút ngày hai mươi tháng một năm {Y2023}, bà H. nhận được tin nhắn "
        "trúng thưởng.",
        id="time-then-date",
    ),
    P(
        "Khung giờ phát sóng là 6:00 và 17:00.",
        "Khung giờ phát sóng là sáu giờ và mười bảy giờ.",
        id="slots",
    ),
    P(
        "Đài phát bản tin từ 10h30-11h.",
        "Đài phát bản tin từ mười giờ ba mươi phút đến mười một giờ.",
        id="time-range",
    ),
    P(
        "Chỉ trong vòng 24h, tiền trong tài khoản đã bị rút hết.",
        "Chỉ trong vòng hai mươi bốn giờ, tiền trong tài khoản đã bị rút hết.",
        id="24h-duration",
    ),
    P(
        "Giao dịch lúc 21:05:30 là do đối tượng thực hiện.",
        "Giao dịch lúc hai mươi mốt giờ năm phút ba mươi giây là do đối tượng thực hiện.",
        id="seconds",
    ),
    P(
        "Buổi sáng phát lúc 6g30 tại nhà văn hóa.",
        "Buổi sáng phát lúc sáu giờ ba mươi phút tại nhà văn hóa.",
        id="g-separator",
    ),
    P(
        "Chương trình bắt đầu lúc 7h05.",
        "Chương trình bắt đầu lúc bảy giờ năm phút.",
        id="minutes-with-zero",
    ),
]

ORDINALS = [
    P(
        "Thứ 2 hằng tuần, đài phát bản tin an ninh trật tự.",
        "Thứ hai hằng tuần, đài phát bản tin an ninh trật tự.",
        id="thu-2",
    ),
    P(
        "Bản tin phát vào thứ 4 và thứ 7.",
        "Bản tin phát vào thứ tư và thứ bảy.",
        id="thu-4-tu-thu-7",
    ),
    P(
        "Đây là lần thứ 1 xã tổ chức hội thi tìm hiểu.",
        "Đây là lần thứ nhất xã tổ chức hội thi tìm hiểu.",
        id="lan-thu-nhat",
    ),
    P(
        "Hội nghị lần thứ 4 diễn ra tại hội trường xã.",
        "Hội nghị lần thứ tư diễn ra tại hội trường xã.",
        id="lan-thu-tu",
    ),
    P(
        "Đội tuyên truyền của xã đạt hạng 1 toàn huyện.",
        "Đội tuyên truyền của xã đạt hạng một toàn huyện.",
        id="hang-stays-cardinal",
    ),
    P(
        "Ông Nguyễn Văn A ở thôn số 1 đã bị lừa.",
        "Ông Nguyễn Văn A ở thôn số một đã bị lừa.",
        id="so-1-stays-cardinal",
    ),
    P(
        'Hình thức thứ 24 là "Cho số đánh đề".',
        'Hình thức thứ hai mươi bốn là "Cho số đánh đề".',
        id="thu-24",
    ),
    P(
        "Kỳ họp thứ 7 HĐND huyện khóa XX đã bế mạc.",
        "Kỳ họp thứ bảy hội đồng nhân dân huyện khóa hai mươi đã bế mạc.",
        id="session-and-roman-term",
    ),
    P(
        "Trong quý III năm nay, số vụ lừa đảo giảm.",
        "Trong quý ba năm nay, số vụ lừa đảo giảm.",
        id="quy-III",
    ),
    P(
        "Bước sang thế kỷ XXI, tội phạm mạng ngày càng tinh vi.",
        "Bước sang thế kỷ hai mươi mốt, tội phạm mạng ngày càng tinh vi.",
        id="the-ky-XXI",
    ),
    P(
        "Chương IV của Luật quy định trách nhiệm của doanh nghiệp.",
        "Chương bốn của Luật quy định trách nhiệm của doanh nghiệp.",
        id="chuong-IV",
    ),
    P(
        "Hội nghị lần thứ IV bàn về an ninh mạng.",
        "Hội nghị lần thứ tư bàn về an ninh mạng.",
        id="lan-thu-roman",
    ),
    P(
        "Nghị quyết Đại hội XIII của Đảng nhấn mạnh chuyển đổi số.",
        "Nghị quyết Đại hội mười ba của Đảng nhấn mạnh chuyển đổi số.",
        id="dai-hoi-XIII",
    ),
    P(
        "Phần II của bản tin hướng dẫn cách nhận biết.",
        "Phần hai của bản tin hướng dẫn cách nhận biết.",
        id="phan-II",
    ),
    P(
        "Ông Nguyễn Văn I là tổ trưởng tổ an ninh tự quản.",
        "Ông Nguyễn Văn I là tổ trưởng tổ an ninh tự quản.",
        id="lone-I-is-not-roman",
    ),
    P(
        "Lớp tập huấn khóa I năm 2024 có 40 học viên.",
        f"Lớp tập huấn khóa một năm {Y2024} có bốn mươi học viên.",
        id="khoa-I",
    ),
    P(
        "Bản tin phát từ Thứ 2 - Thứ 6 hằng tuần.",
        "Bản tin phát từ Thứ hai đến Thứ sáu hằng tuần.",
        id="weekday-range",
    ),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_times(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), ORDINALS)
def test_ordinals_and_roman_numerals(text, expected):
    check(text, expected)
