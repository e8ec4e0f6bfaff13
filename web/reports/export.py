"""CSV files that Excel opens with Vietnamese intact: UTF-8 with a BOM, CRLF, csv quoting.

The airing log is written as it is read, a batch of rows at a time, so a
million entries never sit in memory at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import quote

from broadcaster.airlog import Outcome, Source
from broadcaster.reports.coverage import (
    FORMS,
    OUTCOME_LABELS,
    SOURCE_LABELS,
    Period,
    StationRow,
    counts_fields,
)
from broadcaster.reports.queries import utc

BOM = "\ufeff"
ROWS_PER_CHUNK = 1000
# A cell starting with one of these is a formula to Excel and LibreOffice: a reason
# typed as "=HYPERLINK(...)" must reach the reader as text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: object) -> object:
    """Text that a spreadsheet would run is prefixed with an apostrophe; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def airing_header(zone_name: str) -> list[str]:
    when = f"({zone_name})"
    return [
        "Mã mục",
        "Mã đài",
        "Tên đài",
        "Mã bản tin",
        "Tên bản tin",
        "Hình thức số",
        "Kết quả",
        f"Giờ dự kiến {when}",
        f"Giờ bắt đầu {when}",
        f"Giờ kết thúc {when}",
        "Phát trễ",
        "Lý do",
        "Cách xác nhận",
        "Người xác nhận",
        f"Thời điểm ghi nhận {when}",
        "Đính chính mục số",
        "Bị đính chính bởi mục số",
        "Được tính là đã phát",
        "SHA-256 bản âm thanh",
    ]


def airing_rows(
    rows: Iterable[Mapping],
    *,
    zone: dt.tzinfo,
    station_names: Mapping[str, str],
    titles: Mapping[str, str],
    superseded: Mapping[int, int],
    period: Period,
) -> Iterator[list]:
    """One CSV row per log entry, times local (ISO, which Excel reads in any locale)."""
    for row in rows:
        outcome = Outcome(row["outcome"])
        started = utc(row["started_at"])
        counted = counts_fields(row["id"], outcome, row["form"], started, period, superseded)
        yield [
            row["id"],
            row["station_id"],
            station_names.get(row["station_id"], ""),
            row["bulletin_id"],
            titles.get(row["bulletin_id"], ""),
            row["form"] if row["form"] is not None else "",
            OUTCOME_LABELS[outcome],
            _local(utc(row["scheduled_at"]), zone),
            _local(started, zone),
            _local(utc(row["ended_at"]), zone),
            "Có" if row["late"] else "",
            row["reason"],
            SOURCE_LABELS[Source(row["source"])],
            row["recorded_by"],
            _local(utc(row["recorded_at"]), zone),
            row["corrects"] or "",
            superseded.get(row["id"], ""),
            "Có" if counted else "Không",
            row["render_sha256"],
        ]


def coverage_header(form_titles: Mapping[int, str]) -> list[str]:
    header = ["Mã đài", "Tên đài", "Số hình thức đã phát", "Hình thức chưa phát"]
    for form in FORMS:
        title = form_titles.get(form, f"Hình thức {form}")
        header += [f"{form}. {title} – số lượt", f"{form}. {title} – lần phát cuối"]
    return header


def coverage_rows(rows: Iterable[StationRow], zone: dt.tzinfo) -> Iterator[list]:
    for row in rows:
        line = [row.station_id, row.name, row.covered, ", ".join(map(str, row.missing))]
        for cell in row.cells:
            last = f"{cell.last.astimezone(zone):%Y-%m-%d}" if cell.last else "chưa phát"
            line += [cell.count, last]
        yield line


def encode(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """The BOM and header first, then rows in chunks; csv quotes and ends lines with CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutral(cell) for cell in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([neutral(cell) for cell in row])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()


def disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the Vietnamese one (RFC 6266)."""
    ascii_name = _ascii(name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _ascii(name: str) -> str:
    text = name.replace("đ", "d").replace("Đ", "D")
    bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in bare)
    return "-".join(part for part in safe.split("-") if part) or "bao-cao.csv"


def _local(at: dt.datetime | None, zone: dt.tzinfo) -> str:
    return "" if at is None else at.astimezone(zone).isoformat(" ", "seconds")[:19]
