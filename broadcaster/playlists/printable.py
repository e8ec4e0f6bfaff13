"""The day's schedule as a printable HTML page (pure): A4, one table per session.

The printed sheet is evidence too: the operator ticks "Đã phát" for each item,
writes why one was not aired, and signs each session. Self-contained (no
fonts, scripts or images to fetch): commune PCs are often offline.

Every value from the plan goes through :func:`_t` (``html.escape`` with
quotes), so a title such as ``"Khóa SIM" <b>`` prints as written.
"""

from __future__ import annotations

import functools
from html import escape

from broadcaster.playlists.formats import HEADING
from broadcaster.playlists.sessions import (
    Entry,
    Session,
    StationDay,
    clock,
    date_label,
    duration_label,
    form_label,
    priority_label,
    session_heading,
)

# The sheet's own instruction: its box is in the "Đã phát" column, not at the start of
# the line as in the text file (formats.HOW_TO_TICK).
HOW_TO_TICK = (
    "Đánh dấu [x] vào ô ở cột “Đã phát” khi đã phát xong bản tin; "
    "bản tin không phát được thì ghi rõ lý do ở cột “Ghi chú”."
)

COLUMNS = (
    ("stt", "STT"),
    ("time", "Giờ phát"),
    ("title", "Tên bản tin"),
    ("form", "Hình thức"),
    ("priority", "Mức ưu tiên"),
    ("duration", "Thời lượng"),
    ("tick", "Đã phát"),
    ("note", "Ghi chú"),
)

STYLE = """
@page { size: A4 portrait; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
       font-size: 12pt; line-height: 1.3; color: #000; background: #fff;
       max-width: 186mm; margin: 8mm auto; }
header { text-align: center; margin-bottom: 6mm; }
h1 { font-size: 15pt; text-transform: uppercase; margin: 0 0 2mm; }
header p { margin: 0.5mm 0; }
.station { font-size: 13.5pt; font-weight: bold; }
section { margin-bottom: 7mm; break-inside: avoid-page; }
h2 { font-size: 12.5pt; margin: 0 0 2mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th.stt { width: 9mm; } th.time { width: 19mm; } th.form { width: 22mm; }
th.priority { width: 24mm; } th.duration { width: 14mm; } th.tick { width: 13mm; }
th.note { width: 23mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.3mm solid #000; padding: 1mm 1.4mm; vertical-align: top; }
th { font-size: 10.5pt; background: #eee;
     -webkit-print-color-adjust: exact; print-color-adjust: exact; }
td.stt, td.time, td.duration { text-align: right; white-space: nowrap;
                               font-variant-numeric: tabular-nums; }
td.form, td.priority { font-size: 10pt; }
td.tick { text-align: center; }
.box { display: inline-block; width: 4.5mm; height: 4.5mm; border: 0.3mm solid #000; }
tr.khan_cap td.priority, tr.uu_tien td.priority { font-weight: bold; }
tfoot td { font-weight: bold; }
.sign { margin: 3mm 0 0; }
.how { font-style: italic; font-size: 10.5pt; }
footer { margin-top: 10mm; display: flex; justify-content: space-between;
         break-inside: avoid-page; }
footer div { width: 45%; text-align: center; }
footer .blank { height: 22mm; }
@media screen { body { padding: 0 4mm; } }
@media print { body { max-width: none; margin: 0; } }
/* A phone (390 px): each item becomes a block, every cell named, nothing overlaps. */
@media screen and (max-width: 640px) {
  body { font-size: 16px; margin: 3mm auto; padding: 0 3mm; }
  h1 { font-size: 18px; }
  table, tbody, tfoot, tr, td { display: block; width: auto; }
  thead { display: none; }
  tbody tr { display: grid; grid-template-columns: auto auto 1fr; gap: 1mm 3mm;
             border: 0.3mm solid #000; padding: 2mm; margin-bottom: 2mm; }
  td, td.stt, td.time, td.duration, td.tick { border: 0; padding: 0; text-align: left;
                                              white-space: normal; }
  td.form, td.priority { font-size: 15px; }
  td.stt, td.time { font-weight: bold; }
  td.title { font-weight: bold; overflow-wrap: anywhere; }
  td.form, td.priority, td.duration, td.tick, td.note { grid-column: 1 / -1; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: normal; }
  td.note { min-height: 6mm; border-bottom: 0.3mm dotted #000; }
  tfoot tr { display: block; padding: 1mm 0; }
  tfoot td:empty { display: none; }
  footer { display: block; }
  footer div { width: auto; }
}
"""


def schedule_html(day: StationDay) -> str:
    title = f"{HEADING} – {day.station_name} – {day.day:%d/%m/%Y}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="vi">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_t(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_t(HEADING)}</h1>",
        f'<p class="station">{_t(day.station_name)}</p>',
        f'<p class="date">{_t(date_label(day.day))}</p>',
        f'<p class="how">{_t(HOW_TO_TICK)}</p>',
        "</header>",
    ]
    for session in day.sessions:
        parts += _session(session)
    whole_day = f"Tổng cả ngày: {len(day.entries)} bản tin, {len(day.sessions)} buổi phát"
    parts += [
        "<footer>",
        f"<div><p>{_t(whole_day)}</p></div>",
        "<div><p><b>Xác nhận của lãnh đạo đơn vị</b><br>(ký, ghi rõ họ tên)</p>"
        '<p class="blank"></p></div>',
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _session(session: Session) -> list[str]:
    head = _head()
    rows = [_row(entry) for entry in session.entries]
    total = duration_label(session.total_s)
    return [
        '<section class="session">',
        f"<h2>{_t(session_heading(session))}</h2>",
        "<table>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        f'<tfoot><tr><td colspan="5">Tổng thời lượng ({len(session.entries)} bản tin)</td>'
        f'<td class="duration">{_t(total)}</td><td colspan="2"></td></tr></tfoot>',
        "</table>",
        f'<p class="sign">{_t("Người phát (ký, ghi rõ họ tên): ")}'
        "..........................................</p>",
        "</section>",
    ]


@functools.cache
def _head() -> str:
    return "".join(f'<th class="{key}">{_t(label)}</th>' for key, label in COLUMNS)


def _row(entry: Entry) -> str:
    item = entry.item
    return _row_html(
        entry.label,
        clock(entry.start),
        entry.title,
        form_label(item.form),
        item.priority,
        duration_label(entry.duration_s),
    )


@functools.lru_cache(maxsize=65536)
def _row_html(label: str, start: str, title: str, form: str, priority: str, duration: str) -> str:
    """Cells in the order of COLUMNS; the same rows recur across thousands of communes."""
    return (
        f'<tr class="{_t(priority)}">'
        f'<td class="stt">{_t(label)}</td>'
        f'<td class="time">{_t(start)}</td>'
        f'<td class="title">{_t(title)}</td>'
        f'<td class="form" data-label="Hình thức">{_t(form)}</td>'
        f'<td class="priority" data-label="Mức ưu tiên">{_t(priority_label(priority))}</td>'
        f'<td class="duration" data-label="Thời lượng">{_t(duration)}</td>'
        '<td class="tick" data-label="Đã phát"><span class="box"></span></td>'
        '<td class="note" data-label="Ghi chú"></td>'
        "</tr>"
    )


@functools.lru_cache(maxsize=16384)
def _t(value: str) -> str:
    """The one way a value enters the page (cached: titles repeat across thousands of pages)."""
    return escape(value, quote=True)
