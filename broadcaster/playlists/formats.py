"""The playlist and the plain-text schedule of a station's day (pure).

Both use CRLF line endings: VLC and mpv read LF and CRLF alike (tested), while
the Notepad of Windows before 10 (1809), still on many commune PCs, shows an LF
file as one long line.
"""

from __future__ import annotations

from broadcaster.playlists.sessions import (
    Entry,
    StationDay,
    clock,
    date_label,
    duration_label,
    form_label,
    one_line,
    priority_label,
    session_heading,
    whole_seconds,
)

PLAYLIST = "playlist.m3u8"
SCHEDULE_TEXT = "lich-phat.txt"
SCHEDULE_HTML = "lich-phat.html"
CRLF = "\r\n"

HEADING = "Lịch phát thanh phòng chống lừa đảo"
SIGN_LINE = "Người phát (ký, ghi rõ họ tên): ......................................"
HOW_TO_TICK = (
    "Đánh dấu [x] vào ô đầu dòng khi đã phát xong bản tin; "
    "bản tin không phát được thì ghi rõ lý do bên cạnh."
)


def playlist_m3u8(day: StationDay) -> str:
    """Extended M3U, UTF-8 without BOM, ``#EXTM3U`` first, file names relative to the folder.

    ``#EXTINF`` carries ``<number> - <title>``, not the bare title: VLC 3 reads
    ``#EXTINF:92,A, B`` as artist "A" and title "B", so a title with a comma
    (most of the 24 forms) would lose its start; it splits at the first " - "
    before looking for commas, so with the number in front the whole title
    survives in VLC, and mpv shows the line as written. The number is the one
    on the file and on the printed schedule.
    """
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(day.station_name)} – {date_label(day.day)}"]
    for session in day.sessions:
        lines.append(f"# {session_heading(session)}")
        for entry in session.entries:
            seconds = whole_seconds(entry.duration_s)
            lines.append(f"#EXTINF:{seconds},{entry.label} - {entry.title}")
            lines.append(entry.file_name)
    return CRLF.join(lines) + CRLF


def schedule_text(day: StationDay) -> str:
    """The day's schedule to print or read in Notepad, with a box to tick per item."""
    lines = [
        HEADING.upper(),
        f"Đài: {one_line(day.station_name)}",
        f"Ngày: {date_label(day.day)}",
        "",
        HOW_TO_TICK,
    ]
    for session in day.sessions:
        count = len(session.entries)
        lines += ["", session_heading(session), "-" * 72]
        for entry in session.entries:
            lines += _text_entry(entry)
        lines += [
            "-" * 72,
            f"Tổng thời lượng: {duration_label(session.total_s)} ({count} bản tin)",
            SIGN_LINE,
        ]
    lines += ["", f"Tổng cả ngày: {len(day.entries)} bản tin, {len(day.sessions)} buổi phát."]
    return CRLF.join(lines) + CRLF


def _text_entry(entry: Entry) -> list[str]:
    number = f"{entry.label}."
    details = [duration_label(entry.duration_s)]
    if entry.item.form is not None:
        details.append(form_label(entry.item.form))
    details.append(priority_label(entry.item.priority))
    indent = " " * (4 + len(number) + 1)
    return [
        f"[ ] {number} {clock(entry.start)}  {entry.title}",
        f"{indent}Thời lượng {' · '.join(details)}",
    ]
