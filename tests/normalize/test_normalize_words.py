"""Abbreviations, acronyms, legal document numbers and web addresses in bulletin sentences."""

import pytest

from broadcaster.normalize import normalize


def check(text: str, expected: str) -> None:
    out = normalize(text)
    assert out == expected
    assert not any(c.isdigit() for c in out), out
    assert normalize(out) == out, "normalising twice changed the text"


P = pytest.param
Y2015 = "hai nghìn không trăm mười lăm"

ABBREVIATIONS = [
    P(
        "UBND xã đề nghị bà con nâng cao cảnh giác.",
        "Ủy ban nhân dân xã đề nghị bà con nâng cao cảnh giác.",
        id="UBND-sentence-start",
    ),
    P(
        "Thường trực HĐND và UBND huyện chỉ đạo quyết liệt.",
        "Thường trực hội đồng nhân dân và ủy ban nhân dân huyện chỉ đạo quyết liệt.",
        id="HDND-UBND",
    ),
    P(
        "Không cung cấp ảnh CCCD, CMND cho người lạ.",
        "Không cung cấp ảnh căn cước công dân, chứng minh nhân dân cho người lạ.",
        id="CCCD-CMND",
    ),
    P(
        "Đối tượng giả danh cán bộ VKSND, TAND để đe dọa người dân.",
        "Đối tượng giả danh cán bộ viện kiểm sát nhân dân, tòa án nhân dân để đe dọa người dân.",
        id="VKSND-TAND",
    ),
    P(
        "Ban Thường trực UB MTTQ xã phối hợp tuyên truyền.",
        "Ban Thường trực ủy ban mặt trận tổ quốc xã phối hợp tuyên truyền.",
        id="UB-MTTQ",
    ),
    P(
        "Giả danh nhân viên BHXH, BHYT gọi điện thông báo nợ phí.",
        "Giả danh nhân viên bảo hiểm xã hội, bảo hiểm y tế gọi điện thông báo nợ phí.",
        id="BHXH-BHYT",
    ),
    P(
        "Lực lượng CSGT không bao giờ yêu cầu nộp phạt qua tài khoản cá nhân.",
        "Lực lượng cảnh sát giao thông không bao giờ yêu cầu nộp phạt qua tài khoản cá nhân.",
        id="CSGT",
    ),
    P(
        "Học sinh THPT, THCS cần được nhắc nhở về lừa đảo trực tuyến.",
        "Học sinh trung học phổ thông, trung học cơ sở cần được nhắc nhở về lừa đảo trực tuyến.",
        id="THPT-THCS",
    ),
    P(
        "Công an TP. Hải Phòng cảnh báo thủ đoạn mới.",
        "Công an thành phố Hải Phòng cảnh báo thủ đoạn mới.",
        id="TP-dot",
    ),
    P(
        "Người dân Tp. Hải Phòng cần cảnh giác.",
        "Người dân thành phố Hải Phòng cần cảnh giác.",
        id="Tp-dot",
    ),
    P(
        "Nhiều người dân TP.HCM cũng đã bị lừa.",
        "Nhiều người dân thành phố hồ chí minh cũng đã bị lừa.",
        id="TP.HCM",
    ),
    P(
        "Trung tâm VH-TT-TT huyện tăng thời lượng phát sóng.",
        "Trung tâm văn hóa thông tin và thể thao huyện tăng thời lượng phát sóng.",
        id="VH-TT-TT",
    ),
    P(
        "Sở TT&TT khuyến cáo người dân cài đặt ứng dụng chính thống.",
        "Sở thông tin và truyền thông khuyến cáo người dân cài đặt ứng dụng chính thống.",
        id="TT&TT",
    ),
    P(
        "Báo ngay cho CA xã hoặc CA huyện khi bị đe dọa.",
        "Báo ngay cho công an xã hoặc công an huyện khi bị đe dọa.",
        id="CA-in-context",
    ),
    P(
        "Lực lượng CAND luôn đồng hành cùng nhân dân.",
        "Lực lượng công an nhân dân luôn đồng hành cùng nhân dân.",
        id="CAND",
    ),
    P(
        "Phòng ANM phối hợp với cán bộ CNTT của xã.",
        "Phòng an ninh mạng phối hợp với cán bộ công nghệ thông tin của xã.",
        id="ANM-CNTT",
    ),
    P(
        "NHNN khuyến cáo không chuyển tiền cho người lạ.",
        "Ngân hàng nhà nước khuyến cáo không chuyển tiền cho người lạ.",
        id="NHNN",
    ),
    P(
        "Tuyệt đối không cung cấp mã OTP cho bất kỳ ai.",
        "Tuyệt đối không cung cấp mã ô tê pê cho bất kỳ ai.",
        id="OTP",
    ),
    P(
        "Đối tượng thông báo khóa SIM vì chưa chuẩn hóa thông tin thuê bao.",
        "Đối tượng thông báo khóa sim vì chưa chuẩn hóa thông tin thuê bao.",
        id="SIM",
    ),
    P(
        "Cảnh giác với tin nhắn SMS Brandname giả mạo ngân hàng.",
        "Cảnh giác với tin nhắn ét em ét Brandname giả mạo ngân hàng.",
        id="SMS",
    ),
    P(
        "Không quét mã QR lạ dán tại cây ATM.",
        "Không quét mã kiu a lạ dán tại cây a tê em.",
        id="QR-ATM",
    ),
    P(
        "Công ty TNHH ma tuyển cộng tác viên làm việc online.",
        "Công ty trách nhiệm hữu hạn ma tuyển cộng tác viên làm việc online.",
        id="TNHH",
    ),
    P(
        "Cty tài chính giả mạo cho vay qua ứng dụng.",
        "Công ty tài chính giả mạo cho vay qua ứng dụng.",
        id="Cty",
    ),
    P(
        "Lưu SĐT của công an xã, không cung cấp STK cho người lạ.",
        "Lưu số điện thoại của công an xã, không cung cấp số tài khoản cho người lạ.",
        id="SDT-STK",
    ),
    P(
        "Mật khẩu TK ngân hàng phải được giữ bí mật.",
        "Mật khẩu tài khoản ngân hàng phải được giữ bí mật.",
        id="TK",
    ),
    P(
        "người dân mang theo cccd khi đến ubnd xã làm thủ tục.",
        "người dân mang theo căn cước công dân khi đến ủy ban nhân dân xã làm thủ tục.",
        id="lower-case-abbreviations",
    ),
    P(
        "Hãy cập nhật thông tin trên ứng dụng VNeID.",
        "Hãy cập nhật thông tin trên ứng dụng vê en e ai đi.",
        id="VNeID",
    ),
    P(
        "Đối tượng dùng mạng VPN để che giấu vị trí.",
        "Đối tượng dùng mạng vê pê en nờ để che giấu vị trí.",
        id="unknown-acronym-spelled",
    ),
    P(
        "Không đọc mã CVV in ở mặt sau thẻ cho bất kỳ ai.",
        "Không đọc mã xê vê vê in ở mặt sau thẻ cho bất kỳ ai.",
        id="CVV-spelled",
    ),
    P(
        "Phòng PA05 Công an thành phố đã vào cuộc.",
        "Phòng pê a không năm Công an thành phố đã vào cuộc.",
        id="police-unit-code",
    ),
    P(
        "Đối tượng Nguyễn Văn B (SN 1990) đã bị khởi tố.",
        "Đối tượng Nguyễn Văn B (sinh năm một nghìn chín trăm chín mươi) đã bị khởi tố.",
        id="SN-birth-year",
    ),
    P(
        "Đối tượng lập tài khoản Zalo, Facebook, Telegram giả.",
        "Đối tượng lập tài khoản Zalo, Facebook, Telegram giả.",
        id="brand-names-untouched",
    ),
    P(
        "Cuộc gọi video Deepfake, Deepvoice ngày càng tinh vi.",
        "Cuộc gọi video Deepfake, Deepvoice ngày càng tinh vi.",
        id="deepfake-untouched",
    ),
    P(
        "Lợi dụng dịch COVID để lừa bán thuốc giả.",
        "Lợi dụng dịch COVID để lừa bán thuốc giả.",
        id="COVID-untouched",
    ),
    P(
        "CẢNH BÁO THỦ ĐOẠN LỪA ĐẢO MỚI QUA MẠNG XÃ HỘI",
        "CẢNH BÁO THỦ ĐOẠN LỪA ĐẢO MỚI QUA MẠNG XÃ HỘI",
        id="capitals-headline-untouched",
    ),
    P(
        "Mang theo CMND/CCCD khi đến làm thủ tục.",
        "Mang theo chứng minh nhân dân hoặc căn cước công dân khi đến làm thủ tục.",
        id="slash-between-abbreviations",
    ),
    P(
        "Các ví điện tử như MoMo, ZaloPay, VNPay cũng bị giả mạo.",
        "Các ví điện tử như MoMo, ZaloPay, VNPay cũng bị giả mạo.",
        id="mixed-case-brands-untouched",
    ),
    P(
        "AI CŨNG CÓ THỂ BỊ LỪA NẾU THIẾU CẢNH GIÁC!",
        "AI CŨNG CÓ THỂ BỊ LỪA NẾU THIẾU CẢNH GIÁC!",
        id="capital-vietnamese-words-not-spelled",
    ),
]

LEGAL = [
    P(
        "Theo Điều 174 Bộ luật Hình sự năm 2015, người phạm tội có thể bị phạt tù.",
        f"Theo Điều một trăm bảy mươi bốn Bộ luật Hình sự năm {Y2015}, người phạm tội có thể bị "
        "phạt tù.",
        id="dieu-and-year",
    ),
    P(
        "Hành vi trên vi phạm khoản 2 Điều 174.",
        "Hành vi trên vi phạm khoản hai Điều một trăm bảy mươi bốn.",
        id="khoan-dieu",
    ),
    P(
        "Căn cứ điểm a khoản 1 Điều 8 Luật An ninh mạng.",
        "Căn cứ điểm a khoản một Điều tám Luật An ninh mạng.",
        id="diem-letter-unchanged",
    ),
    P(
        "Thực hiện Nghị định 49/2024/NĐ-CP về hoạt động thông tin cơ sở.",
        "Thực hiện Nghị định bốn mươi chín năm hai nghìn không trăm hai mươi bốn của Chính phủ về "
        "hoạt động thông tin cơ sở.",
        id="nghi-dinh-ND-CP",
    ),
    P(
        "Theo Thông tư 39/2020/TT-BTTTT, bản tin khẩn cấp được phát ngay.",
        "Theo Thông tư ba mươi chín năm hai nghìn không trăm hai mươi của Bộ Thông tin và Truyền "
        "thông, bản tin khẩn cấp được phát ngay.",
        id="thong-tu-TT-BTTTT",
    ),
    P(
        "Căn cứ Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.",
        "Căn cứ Nghị định số mười ba năm hai nghìn không trăm hai mươi ba của Chính phủ về bảo vệ "
        "dữ liệu cá nhân.",
        id="nghi-dinh-so",
    ),
    P(
        "Thực hiện Kế hoạch số 15/KH-UBND của UBND huyện Vĩnh Bảo.",
        "Thực hiện Kế hoạch số mười lăm của ủy ban nhân dân huyện Vĩnh Bảo.",
        id="issuer-written-after",
    ),
    P(
        "Thực hiện Kế hoạch số 15/KH-UBND, xã tăng thời lượng phát sóng.",
        "Thực hiện Kế hoạch số mười lăm của Ủy ban nhân dân, xã tăng thời lượng phát sóng.",
        id="local-document",
    ),
    P(
        "Luật An ninh mạng số 24/2018/QH14 có hiệu lực từ năm 2019.",
        "Luật An ninh mạng số hai mươi bốn năm hai nghìn không trăm mười tám của Quốc hội khóa "
        "mười bốn có hiệu lực từ năm hai nghìn không trăm mười chín.",
        id="law-QH14",
    ),
    P(
        "Quán triệt Nghị quyết 35-NQ/TW về bảo vệ nền tảng tư tưởng của Đảng.",
        "Quán triệt Nghị quyết ba mươi lăm của Trung ương về bảo vệ nền tảng tư tưởng của Đảng.",
        id="party-resolution",
    ),
    P(
        "Theo Nghị định 15/2020, mức phạt có thể lên tới 50 triệu đồng.",
        "Theo Nghị định mười lăm năm hai nghìn không trăm hai mươi, mức phạt có thể lên tới năm "
        "mươi triệu đồng.",
        id="decree-without-code",
    ),
    P(
        "Công văn số 123/CV-BCĐ hướng dẫn phòng chống lừa đảo.",
        "Công văn số một trăm hai mươi ba công văn ban chỉ đạo hướng dẫn phòng chống lừa đảo.",
        id="unknown-issuer-fallback",
    ),
    P(
        "Thông tư số 39/2020/TT-BTTTT ngày 24/11/2020 của Bộ TT&TT quy định rõ.",
        "Thông tư số ba mươi chín năm hai nghìn không trăm hai mươi ngày hai mươi bốn tháng mười "
        "một năm hai nghìn không trăm hai mươi của Bộ thông tin và truyền thông quy định rõ.",
        id="issuer-after-date",
    ),
    P(
        "Hành vi này vi phạm Điều 174, 290 BLHS.",
        "Hành vi này vi phạm Điều một trăm bảy mươi bốn, hai trăm chín mươi bộ luật hình sự.",
        id="two-articles-BLHS",
    ),
    P(
        "Thông báo số 123/TB-CAH ngày 05/6/2023 của Công an huyện nêu rõ thủ đoạn.",
        "Thông báo số một trăm hai mươi ba ngày năm tháng sáu năm hai nghìn không trăm hai mươi ba "
        "của Công an huyện nêu rõ thủ đoạn.",
        id="code-not-read-when-issuer-written",
    ),
    P(
        "Người dân phối hợp triển khai Đề án 06 của Chính phủ.",
        "Người dân phối hợp triển khai Đề án không sáu của Chính phủ.",
        id="de-an-06-name",
    ),
]

WEB = [
    P(
        "Chỉ tin thông tin trên canhbao.khonggianmang.gov.vn.",
        "Chỉ tin thông tin trên canhbao chấm khonggianmang chấm gốp chấm vê en.",
        id="bare-domain-final-period",
    ),
    P(
        "Truy cập https://dichvucong.gov.vn để làm thủ tục trực tuyến.",
        "Truy cập dichvucong chấm gốp chấm vê en để làm thủ tục trực tuyến.",
        id="https-dropped",
    ),
    P(
        "Bản tin được đăng trên www.vinhbao.haiphong.gov.vn hằng tuần.",
        "Bản tin được đăng trên vê kép vê kép vê kép chấm vinhbao chấm haiphong chấm gốp chấm "
        "vê en hằng tuần.",
        id="www",
    ),
    P(
        "Gửi phản ánh về địa chỉ canhbao@ais.gov.vn.",
        "Gửi phản ánh về địa chỉ canhbao a còng ais chấm gốp chấm vê en.",
        id="email",
    ),
    P(
        "Trang facebook.com/congan.vinhbao là trang chính thức.",
        "Trang facebook chấm com gạch chéo congan chấm vinhbao là trang chính thức.",
        id="path-with-dot",
    ),
    P(
        "Đường link bit.ly/nhan-qua-2024 là link lừa đảo.",
        "Đường link bit chấm ly gạch chéo nhan gạch ngang qua gạch ngang hai không hai bốn là link "
        "lừa đảo.",
        id="short-link-digits-one-by-one",
    ),
    P(
        "Cảnh giác với trang web có đuôi .com thay vì .gov.vn.",
        "Cảnh giác với trang web có đuôi chấm com thay vì chấm gốp chấm vê en.",
        id="bare-endings",
    ),
    P(
        "Nhóm lừa đảo dẫn dụ vào t.me/hotro_vay để vay tiền.",
        "Nhóm lừa đảo dẫn dụ vào tê chấm mi gạch chéo hotro gạch dưới vay để vay tiền.",
        id="telegram-link-underscore",
    ),
    P(
        "Không nhắn tin cho tài khoản @hotro_vay trên Telegram.",
        "Không nhắn tin cho tài khoản a còng hotro gạch dưới vay trên Telegram.",
        id="handle",
    ),
    P(
        "Đường link http://bocongan-gov.top/app là trang giả mạo.",
        "Đường link bocongan gạch ngang gốp chấm top gạch chéo app là trang giả mạo.",
        id="fake-government-look-alike",
    ),
    P(
        "Truy cập “canhbao.khonggianmang.gov.vn”, không bấm vào link lạ.",
        "Truy cập “canhbao chấm khonggianmang chấm gốp chấm vê en”, không bấm vào link lạ.",
        id="address-in-quotes",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ABBREVIATIONS)
def test_abbreviations_and_acronyms(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), LEGAL)
def test_legal_references(text, expected):
    check(text, expected)


@pytest.mark.parametrize(("text", "expected"), WEB)
def test_web_addresses(text, expected):
    check(text, expected)


def test_no_abbreviation_expanded_inside_an_address():
    # Not idempotent by nature: the spoken address keeps the letters as written.
    out = normalize("Trang UBND.vinhbao.vn giả mạo cổng thông tin của huyện.")
    assert out == "Trang UBND chấm vinhbao chấm vê en giả mạo cổng thông tin của huyện."
