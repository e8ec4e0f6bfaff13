"""Numbers in bulletin sentences: counts, money, percentages, units, ranges and symbols.

Each case is a whole sentence as a commune radio bulletin would write it. Every case also
checks that no digit survives and that normalising the result again changes nothing.
"""

import pytest

from broadcaster.normalize import normalize


def check(text: str, expected: str) -> None:
    out = normalize(text)
    assert out == expected
    assert not any(c.isdigit() for c in out), out
    assert normalize(out) == out, "normalising twice changed the text"


P = pytest.param
Y2022 = "hai nghìn không trăm hai mươi hai"
Y2023 = "hai nghìn không trăm hai mươi ba"

CARDINALS = [
    P(
        "Từ năm 2022 đến tháng 7/2023, toàn huyện xảy ra 41 vụ lừa đảo qua mạng.",
        f"Từ năm {Y2022} đến tháng bảy năm {Y2023}, toàn huyện xảy ra bốn mươi mốt vụ lừa đảo "
        "qua mạng.",
        id="41-cases-and-years",
    ),
    P(
        "Hiện nay có 24 hình thức lừa đảo trên không gian mạng.",
        "Hiện nay có hai mươi bốn hình thức lừa đảo trên không gian mạng.",
        id="24-forms",
    ),
    P(
        "Tháng qua, xã ghi nhận 0 vụ mất tiền nhờ bà con cảnh giác.",
        "Tháng qua, xã ghi nhận không vụ mất tiền nhờ bà con cảnh giác.",
        id="zero",
    ),
    P(
        "Đã có 10 hộ gia đình được tuyên truyền trực tiếp.",
        "Đã có mười hộ gia đình được tuyên truyền trực tiếp.",
        id="ten",
    ),
    P(
        "Mỗi buổi phát thanh kéo dài 15 phút.",
        "Mỗi buổi phát thanh kéo dài mười lăm phút.",
        id="fifteen-lam",
    ),
    P(
        "Đoàn công tác đã đến 21 thôn, tổ dân phố.",
        "Đoàn công tác đã đến hai mươi mốt thôn, tổ dân phố.",
        id="twenty-one-mot",
    ),
    P(
        "Lực lượng công an đã xác minh 101 tài khoản nghi vấn.",
        "Lực lượng công an đã xác minh một trăm linh một tài khoản nghi vấn.",
        id="101-linh",
    ),
    P(
        "Tổng cộng 1005 lượt người nghe đã gọi đến đài.",
        "Tổng cộng một nghìn không trăm linh năm lượt người nghe đã gọi đến đài.",
        id="1005",
    ),
    P(
        "Đối tượng đã chiếm đoạt 1.000.000.000 đồng của 15 nạn nhân.",
        "Đối tượng đã chiếm đoạt một tỷ đồng của mười lăm nạn nhân.",
        id="one-billion-dots",
    ),
    P(
        "Số vụ việc từ đầu năm đến nay là 41.",
        "Số vụ việc từ đầu năm đến nay là bốn mươi mốt.",
        id="number-at-sentence-end",
    ),
    P(
        "Có 11 người bị lừa, trong đó 5 người là học sinh.",
        "Có mười một người bị lừa, trong đó năm người là học sinh.",
        id="eleven-and-five-alone",
    ),
    P(
        "Xã có 105 cụm loa (trong đó 14 cụm loa thông minh).",
        "Xã có một trăm linh năm cụm loa (trong đó mười bốn cụm loa thông minh).",
        id="105-and-parentheses",
    ),
    P(
        "Công an xã đã triệu tập 03 đối tượng.",
        "Công an xã đã triệu tập ba đối tượng.",
        id="leading-zero-count",
    ),
    P(
        "Cả nước hiện có 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu.",
        "Cả nước hiện có ba mươi bốn tỉnh, thành phố và ba nghìn ba trăm hai mươi mốt xã, phường, "
        "đặc khu.",
        id="thousands-dot",
    ),
    P(
        "Thiệt hại do lừa đảo ước tính 1.000.000.000.000 đồng mỗi năm.",
        "Thiệt hại do lừa đảo ước tính một nghìn tỷ đồng mỗi năm.",
        id="one-thousand-billion",
    ),
    P(
        "Trang tin của huyện đạt 2.500.000 lượt truy cập.",
        "Trang tin của huyện đạt hai triệu năm trăm nghìn lượt truy cập.",
        id="2.5-million",
    ),
    P(
        'Con số "110" ấy khiến nhiều người giật mình.',
        'Con số "một trăm mười" ấy khiến nhiều người giật mình.',
        id="number-in-quotes",
    ),
    P(
        "Thiệt hại lên tới 3,5 tỷ đồng.",
        "Thiệt hại lên tới ba phẩy năm tỷ đồng.",
        id="comma-decimal-billion",
    ),
    P(
        "Đối tượng hứa trả lãi bằng 1,25 lần tiền gốc.",
        "Đối tượng hứa trả lãi bằng một phẩy hai mươi lăm lần tiền gốc.",
        id="1,25",
    ),
    P(
        "Chuỗi ký tự 12345678901234567 xuất hiện trong tin nhắn giả.",
        "Chuỗi ký tự một hai ba bốn năm sáu bảy tám chín không một hai ba bốn năm sáu bảy "
        "xuất hiện trong tin nhắn giả.",
        id="very-long-digit-string",
    ),
    P(
        "Năm nay xã có 1.200 hộ lắp đặt loa, tăng 250 hộ.",
        "Năm nay xã có một nghìn hai trăm hộ lắp đặt loa, tăng hai trăm năm mươi hộ.",
        id="several-numbers",
    ),
]

MONEY = [
    P(
        "Đối tượng yêu cầu chuyển 500.000đ phí làm hồ sơ.",
        "Đối tượng yêu cầu chuyển năm trăm nghìn đồng phí làm hồ sơ.",
        id="dong-sign",
    ),
    P(
        "Bà H. đã chuyển 20.000.000 VNĐ vào tài khoản lạ.",
        "Bà H. đã chuyển hai mươi triệu đồng vào tài khoản lạ.",
        id="VND-with-stroke",
    ),
    P(
        "Khoản vay 10.000.000 VND được giải ngân trong 5 phút.",
        "Khoản vay mười triệu đồng được giải ngân trong năm phút.",
        id="VND",
    ),
    P(
        "Chỉ cần nạp 50k là nhận quà tri ân.",
        "Chỉ cần nạp năm mươi nghìn là nhận quà tri ân.",
        id="k-thousand",
    ),
    P(
        "Nhiệm vụ đầu tiên chỉ 100K, hoàn tiền ngay.",
        "Nhiệm vụ đầu tiên chỉ một trăm nghìn, hoàn tiền ngay.",
        id="K-upper",
    ),
    P("Người bị hại mất 2 tỷ đồng.", "Người bị hại mất hai tỷ đồng.", id="ty-dong"),
    P(
        "Số tiền bị chiếm đoạt là 350 triệu đồng.",
        "Số tiền bị chiếm đoạt là ba trăm năm mươi triệu đồng.",
        id="trieu-dong",
    ),
    P(
        "Phí kích hoạt tài khoản là 200 nghìn đồng.",
        "Phí kích hoạt tài khoản là hai trăm nghìn đồng.",
        id="nghin-dong",
    ),
    P(
        "Đối tượng hứa trả 1tr5 mỗi ngày cho cộng tác viên.",
        "Đối tượng hứa trả một triệu năm trăm nghìn mỗi ngày cho cộng tác viên.",
        id="informal-1tr5",
    ),
    P(
        "Tiền đầu tư 5tr sẽ sinh lời gấp đôi sau một tuần.",
        "Tiền đầu tư năm triệu sẽ sinh lời gấp đôi sau một tuần.",
        id="informal-tr",
    ),
    P(
        "Giá vé máy bay giá rẻ chỉ 99 USD.",
        "Giá vé máy bay giá rẻ chỉ chín mươi chín đô la Mỹ.",
        id="USD",
    ),
    P(
        "Nhận ngay $500 khi đăng ký tài khoản.",
        "Nhận ngay năm trăm đô la Mỹ khi đăng ký tài khoản.",
        id="dollar-prefix",
    ),
    P(
        "Mức lương 15.000.000đ/tháng chỉ là mồi nhử.",
        "Mức lương mười lăm triệu đồng mỗi tháng chỉ là mồi nhử.",
        id="per-month",
    ),
    P(
        "Lợi nhuận 2.000.000 đồng/ngày là không có thật.",
        "Lợi nhuận hai triệu đồng mỗi ngày là không có thật.",
        id="dong-per-day",
    ),
    P(
        "Phạt tiền từ 10.000.000 đồng đến 20.000.000 đồng.",
        "Phạt tiền từ mười triệu đồng đến hai mươi triệu đồng.",
        id="fine-range-words",
    ),
    P(
        "Gói cước 4G giá chỉ 70.000đ (bảy mươi nghìn).",
        "Gói cước bốn gờ giá chỉ bảy mươi nghìn đồng (bảy mươi nghìn).",
        id="4G-and-price",
    ),
    P(
        "Ông T. bị lừa mất 20 000 000 đồng chỉ sau một cuộc gọi.",
        "Ông T. bị lừa mất hai mươi triệu đồng chỉ sau một cuộc gọi.",
        id="space-thousands-money",
    ),
    P(
        "Có 1 500 người tham gia hội thi tìm hiểu.",
        "Có một nghìn năm trăm người tham gia hội thi tìm hiểu.",
        id="space-thousands-count",
    ),
    P(
        "Đối tượng rao bán gói vay 1.5 triệu không cần thế chấp.",
        "Đối tượng rao bán gói vay một phẩy năm triệu không cần thế chấp.",
        id="english-decimal-before-scale",
    ),
    P(
        "Cách mạng công nghiệp 4.0 mang lại nhiều tiện ích.",
        "Cách mạng công nghiệp bốn chấm không mang lại nhiều tiện ích.",
        id="version-number-cham",
    ),
]

PERCENT_AND_UNITS = [
    P(
        "Có tới 30% nạn nhân là người cao tuổi.",
        "Có tới ba mươi phần trăm nạn nhân là người cao tuổi.",
        id="percent",
    ),
    P(
        "Lãi suất 3,5% một ngày là dấu hiệu lừa đảo.",
        "Lãi suất ba phẩy năm phần trăm một ngày là dấu hiệu lừa đảo.",
        id="decimal-percent",
    ),
    P(
        "Chỉ 0,5% số cuộc gọi lừa đảo được người dân báo cáo.",
        "Chỉ không phẩy năm phần trăm số cuộc gọi lừa đảo được người dân báo cáo.",
        id="zero-point-five-percent",
    ),
    P(
        "Từ 10-15% số tiền được trả làm hoa hồng.",
        "Từ mười đến mười lăm phần trăm số tiền được trả làm hoa hồng.",
        id="percent-range",
    ),
    P(
        "Số vụ việc tăng 20 % so với cùng kỳ.",
        "Số vụ việc tăng hai mươi phần trăm so với cùng kỳ.",
        id="percent-after-space",
    ),
    P(
        "Năm 2025, huyện phấn đấu 100% hộ dân được nghe tuyên truyền.",
        "Năm hai nghìn không trăm hai mươi lăm, huyện phấn đấu một trăm phần trăm hộ dân được nghe "
        "tuyên truyền.",
        id="hundred-percent",
    ),
    P(
        "Trạm phát thanh cách trung tâm xã 5km.",
        "Trạm phát thanh cách trung tâm xã năm ki lô mét.",
        id="km-glued",
    ),
    P(
        "Xe chạy với tốc độ 60 km/h thì bị dừng.",
        "Xe chạy với tốc độ sáu mươi ki lô mét trên giờ thì bị dừng.",
        id="km-per-h",
    ),
    P(
        "Tệp ghi âm bản tin nặng khoảng 20 MB.",
        "Tệp ghi âm bản tin nặng khoảng hai mươi mê ga bai.",
        id="MB",
    ),
    P(
        "Nhiệt độ ngoài trời 35°C, bà con chú ý giữ sức khỏe.",
        "Nhiệt độ ngoài trời ba mươi lăm độ xê, bà con chú ý giữ sức khỏe.",
        id="degrees-C",
    ),
    P(
        "Ứng dụng giả mạo có dung lượng 1,5 GB.",
        "Ứng dụng giả mạo có dung lượng một phẩy năm gi ga bai.",
        id="decimal-GB",
    ),
    P(
        "Cụm loa được lắp cao 8 m so với mặt đất.",
        "Cụm loa được lắp cao tám mét so với mặt đất.",
        id="metres",
    ),
    P(
        "Mỗi hộ nghèo được tặng 10kg gạo.",
        "Mỗi hộ nghèo được tặng mười ki lô gam gạo.",
        id="kg",
    ),
    P(
        "Đài truyền thanh xã phát trên tần số 87,7 MHz.",
        "Đài truyền thanh xã phát trên tần số tám mươi bảy phẩy bảy mê ga héc.",
        id="MHz-frequency",
    ),
]

RANGES_AND_SYMBOLS = [
    P(
        "Mỗi ngày đối tượng gọi 3-5 cuộc cho nạn nhân.",
        "Mỗi ngày đối tượng gọi ba đến năm cuộc cho nạn nhân.",
        id="range-dash",
    ),
    P(
        "Thu nhập 3-5 triệu đồng mỗi tuần chỉ là lời mời chào.",
        "Thu nhập ba đến năm triệu đồng mỗi tuần chỉ là lời mời chào.",
        id="range-millions",
    ),
    P(
        "Chiến dịch được triển khai trong giai đoạn 2022-2023.",
        f"Chiến dịch được triển khai trong giai đoạn {Y2022} đến {Y2023}.",
        id="year-range",
    ),
    P(
        "Mỗi buổi phát từ 15 – 45 phút tùy địa bàn.",
        "Mỗi buổi phát từ mười lăm đến bốn mươi lăm phút tùy địa bàn.",
        id="range-en-dash-spaces",
    ),
    P(
        "Nội dung 18+ thường được dùng làm mồi nhử.",
        "Nội dung mười tám cộng thường được dùng làm mồi nhử.",
        id="18-plus",
    ),
    P(
        "Có ~200 tài khoản giả mạo đã bị khóa.",
        "Có khoảng hai trăm tài khoản giả mạo đã bị khóa.",
        id="tilde-about",
    ),
    P(
        "Tổ công tác trực 24/7 trong đợt cao điểm.",
        "Tổ công tác trực hai mươi bốn trên bảy trong đợt cao điểm.",
        id="24-7-not-a-date",
    ),
    P(
        "Lực lượng chức năng trực 24/24 giờ.",
        "Lực lượng chức năng trực hai mươi bốn trên hai mươi bốn giờ.",
        id="24-24-invalid-date",
    ),
    P(
        "Cụm loa phát 24/24h trong ngày hội.",
        "Cụm loa phát hai mươi bốn trên hai mươi bốn giờ trong ngày hội.",
        id="24-24h",
    ),
    P(
        "Con số 32/13 trong tin nhắn không phải ngày tháng.",
        "Con số ba mươi hai trên mười ba trong tin nhắn không phải ngày tháng.",
        id="32-13-invalid-date",
    ),
    P(
        "Nhận thưởng x2 khi giới thiệu bạn bè tham gia.",
        "Nhận thưởng nhân hai khi giới thiệu bạn bè tham gia.",
        id="times-x2",
    ),
    P(
        "Thủ đoạn lừa bán khẩu trang thời COVID-19 đã quay trở lại.",
        "Thủ đoạn lừa bán khẩu trang thời COVID mười chín đã quay trở lại.",
        id="COVID-19",
    ),
    P(
        "Ngân hàng & ví điện tử không bao giờ hỏi mật khẩu.",
        "Ngân hàng và ví điện tử không bao giờ hỏi mật khẩu.",
        id="ampersand",
    ),
    P(
        "Đối tượng nhắn tin 2 lần/ngày để thúc giục.",
        "Đối tượng nhắn tin hai lần mỗi ngày để thúc giục.",
        id="times-per-day",
    ),
    P(
        "Lãi suất 30%/tháng là lãi suất cắt cổ.",
        "Lãi suất ba mươi phần trăm mỗi tháng là lãi suất cắt cổ.",
        id="percent-per-month",
    ),
    P(
        "Khoảng 2/3 số vụ lừa đảo nhắm vào người cao tuổi.",
        "Khoảng hai phần ba số vụ lừa đảo nhắm vào người cao tuổi.",
        id="share-not-a-date",
    ),
    P(
        "Lãi suất giảm 1/3. Nạn nhân mất gần 2/3, còn 1/4!",
        "Lãi suất giảm một phần ba. Nạn nhân mất gần hai phần ba, còn một phần tư!",
        id="share-at-the-end-of-a-sentence",
    ),
    P(
        "Hạn chót là ngày 1/3. Từ 2/3, tài khoản bị khóa.",
        "Hạn chót là ngày một tháng ba. Từ ngày hai tháng ba, tài khoản bị khóa.",
        id="day-and-month-stay-dates",
    ),
    P(
        "Số vụ giảm 5 vụ (-10%) so với năm trước.",
        "Số vụ giảm năm vụ (âm mười phần trăm) so với năm trước.",
        id="negative-percent",
    ),
    P(
        "Theo tỷ giá, 1 USD = 25.000 VNĐ.",
        "Theo tỷ giá, một đô la Mỹ bằng hai mươi lăm nghìn đồng.",
        id="equals",
    ),
    P(
        "Phí dịch vụ giả là 1.000đ/phút gọi.",
        "Phí dịch vụ giả là một nghìn đồng mỗi phút gọi.",
        id="per-minute",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CARDINALS)
def test_cardinals(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), MONEY)
def test_money(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), PERCENT_AND_UNITS)
def test_percentages_and_units(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), RANGES_AND_SYMBOLS)
def test_ranges_and_symbols(text, expected):
    check(text, expected)
