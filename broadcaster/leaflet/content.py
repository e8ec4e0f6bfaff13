"""What the printed leaflet says, decided from the library, the stations and the date.

Pure: no drawing, no files, no clock. The same bulletin library feeds the
loudspeakers and the paper, so each form's leaflet text is the ``leaflet:`` of
its bulletin (see :mod:`broadcaster.library.bulletins`), and a form without
one is refused here rather than printed blank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.errors import InvalidInput, LibraryError, Problem
from broadcaster.library.bulletins import FORM_COUNT, Bulletin, Kind, Library
from broadcaster.planning.stations import Level, Network, Station

HEADLINE = "24 HÌNH THỨC LỪA ĐẢO TRÊN KHÔNG GIAN MẠNG"
TAGLINE = "Nhận biết sớm để giữ tiền, giữ thông tin cho gia đình"
RECOGNISE_LABEL = "Nhận biết:"
ACT_LABEL = "Cần làm:"
RULES_HEADING = "4 ĐIỀU CẦN NHỚ"
CALLS_HEADING = "GỌI NGAY"
RULES = (
    "Không chuyển tiền cho người lạ, dù họ xưng là ai.",
    "Không đọc mã OTP, không gửi ảnh CCCD qua mạng.",
    "Không bấm đường link lạ, không cài ứng dụng lạ.",
    "Nghi ngờ thì hỏi con cháu, báo ngay Công an.",
)
QR_CAPTION = "Xem cảnh báo, báo cáo lừa đảo:"
# Station names that start with one of these read "Công an xã Cổ Am", "Công an phường ...".
LOCAL_UNITS = ("Xã", "Phường", "Thị trấn", "Đặc khu")
PRODUCER_POLICE = {Level.DISTRICT: "Công an huyện", Level.PROVINCE: "Công an tỉnh"}


@dataclass(frozen=True)
class Form:
    number: int
    title: str
    recognise: tuple[str, ...]
    act: str
    source: str  # the bulletin file the text comes from, for messages


@dataclass(frozen=True)
class Hotline:
    label: str
    number: str


EMERGENCY = Hotline("Cảnh sát khẩn cấp", "113")


@dataclass(frozen=True)
class LeafletContent:
    """Everything printed on the two sides, in plain data."""

    forms: tuple[Form, ...]  # the 24 forms, in order
    hotlines: tuple[Hotline, ...]  # 113 first, then the local police if known
    producer: str
    commune: str | None  # None: the leaflet for the whole network
    issued: dt.date
    qr_url: str | None
    headline: str = HEADLINE
    tagline: str = TAGLINE
    rules_heading: str = RULES_HEADING
    rules: tuple[str, ...] = RULES
    calls_heading: str = CALLS_HEADING
    qr_caption: str = QR_CAPTION

    @property
    def issued_label(self) -> str:
        return f"Ngày {self.issued:%d/%m/%Y}"

    @property
    def qr_label(self) -> str:
        """The address as a reader types it, without the scheme."""
        return (self.qr_url or "").removeprefix("https://").rstrip("/")

    @property
    def title(self) -> str:
        """The PDF's document title."""
        where = f" – {self.commune}" if self.commune else ""
        return f"{self.headline.capitalize()}{where}"


def build_content(
    library: Library,
    network: Network,
    *,
    issued: dt.date,
    station_id: str | None = None,
    qr_url: str = "",
) -> LeafletContent:
    """The leaflet of the whole network (``station_id`` None or the producer's) or of a commune.

    InvalidInput for a station the schedule does not name; LibraryError naming the
    forms that have no leaflet text.
    """
    station = _station(network, station_id)
    commune = station if station is not None and station.level is Level.COMMUNE else None
    police = commune or network.producer
    hotlines = [EMERGENCY]
    if police.police_phone:
        hotlines.append(Hotline(_police_label(police), police.police_phone))
    return LeafletContent(
        forms=forms_of(library, issued),
        hotlines=tuple(hotlines),
        producer=network.producer.name,
        commune=commune.name if commune else None,
        issued=issued,
        qr_url=qr_url or None,
    )


def forms_of(library: Library, day: dt.date) -> tuple[Form, ...]:
    """Each form's leaflet text: from a bulletin valid on ``day`` if one has it, else any.

    A retired bulletin is never chosen: it is kept for history, not printed anew.
    """
    problems: list[Problem] = []
    forms: list[Form] = []
    for number in range(1, FORM_COUNT + 1):
        candidates = [b for b in library if b.form == number and b.kind is Kind.BULLETIN]
        with_text = [b for b in candidates if b.leaflet is not None and not b.retired]
        if not with_text:
            problems.append(_missing(number, candidates))
            continue
        chosen = next((b for b in with_text if b.is_valid_on(day)), with_text[0])
        forms.append(_form(chosen))
    if problems:
        raise LibraryError(problems)
    return tuple(forms)


def _form(bulletin: Bulletin) -> Form:
    assert bulletin.leaflet is not None and bulletin.form is not None
    return Form(
        number=bulletin.form,
        title=bulletin.title,
        recognise=bulletin.leaflet.recognise,
        act=bulletin.leaflet.act,
        source=bulletin.source,
    )


def _missing(number: int, candidates: list[Bulletin]) -> Problem:
    said = {"form": number}
    if not candidates:
        message = f"form {number} has no bulletin, so no leaflet text"
        return Problem("leaflet", None, message, "leaflet-no-bulletin", said)
    where = candidates[0].source
    if all(b.retired for b in candidates if b.leaflet is not None) and any(
        b.leaflet is not None for b in candidates
    ):
        message = f"form {number} has leaflet text only in retired bulletins"
        return Problem(
            where,
            None,
            f"{message}: give a bulletin in use a 'leaflet:' field",
            "leaflet-only-retired",
            said,
        )
    message = f"form {number} needs leaflet text: add a 'leaflet:' field"
    return Problem(where, None, message, "leaflet-missing", said)


def _station(network: Network, station_id: str | None) -> Station | None:
    if station_id is None:
        return None
    try:
        return network.get(station_id)
    except KeyError:
        message = f"no station '{station_id}' in the schedule"
        raise InvalidInput(
            [Problem(network.source or "schedule", None, message)], "leaflet"
        ) from None


def _police_label(station: Station) -> str:
    if station.level is not Level.COMMUNE:
        return PRODUCER_POLICE[station.level]
    for unit in LOCAL_UNITS:
        if station.name.startswith(unit + " "):
            return f"Công an {unit.lower()}{station.name[len(unit) :]}"
    return f"Công an {station.name}"
