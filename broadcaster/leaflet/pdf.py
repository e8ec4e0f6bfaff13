"""Draw the leaflet: two sides of A4, twelve forms on each, for an office printer.

ReportLab draws on a canvas with exact positions, so the page count is fixed
(two, whatever the text) and nothing flows onto a third page. The fonts are
DejaVu Sans Condensed from Debian's fonts-dejavu-extra: every Vietnamese letter is in it,
and ReportLab embeds the subset used with a ToUnicode map, so the text stays
searchable and copies out with its diacritics. The condensed cut (fonts-dejavu-extra)
puts about a fifth more text on a line than the regular one: larger type in the same cell.

Rows take the height their text needs; the type size is the largest (from
``SIZES``) at which all twelve forms of each side fit, so a longer text makes
the whole leaflet a little smaller rather than overflowing one cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from broadcaster.errors import LibraryError, Problem, ToolMissing
from broadcaster.leaflet.content import ACT_LABEL, Form, LeafletContent

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
)
REGULAR, BOLD = "DejaVuSansCondensed", "DejaVuSansCondensed-Bold"  # also the file names

PAGE_W, PAGE_H = A4
MARGIN = 20.0  # 7 mm: inside what office printers can print
GUTTER = 14.0  # between the columns
ROW_GAP = 6.0
PAD = 6.0  # inside a cell
CHIP_PAD = 3.0  # around the form's number, white on red
SIZES = (
    12.0,
    11.5,
    11.0,
    10.5,
    10.0,
    9.5,
    9.0,
    8.5,
    8.0,
)  # body type, largest first; titles are 1 pt larger
PER_SIDE = 12

RED = Color(0.69, 0.09, 0.09)
GREEN = Color(0.0, 0.42, 0.18)
INK = Color(0.1, 0.1, 0.1)
GREY = Color(0.35, 0.35, 0.35)
RULE = Color(0.75, 0.75, 0.75)
TINT = Color(1.0, 0.96, 0.85)  # behind the hotlines

FRONT_BANNER, BACK_BANNER = 54.0, 30.0
FRONT_FOOTER = 40.0  # the hotline strip
BACK_BOX = 108.0  # rules, hotlines and QR code
QR_COLUMN, QR_SIDE = 108.0, 68.0
CREDIT = 14.0  # the producing unit and date under the box


def render_pdf(content: LeafletContent) -> bytes:
    """The leaflet as PDF bytes: exactly two pages."""
    _register_fonts()
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1, initialFontName=REGULAR)
    pdf.setTitle(content.title)
    pdf.setAuthor(content.producer)
    pdf.setSubject(content.tagline)
    pdf.setCreator("broadcaster")
    width = PAGE_W - 2 * MARGIN
    front_top = _front_header(pdf, content, width)
    front_grid = (front_top - ROW_GAP, MARGIN + FRONT_FOOTER + ROW_GAP)
    back_grid = (
        PAGE_H - MARGIN - BACK_BANNER - ROW_GAP,
        MARGIN + CREDIT + BACK_BOX + ROW_GAP,
    )
    front, back = content.forms[:PER_SIDE], content.forms[PER_SIDE:]
    size = _type_size([(front, front_grid), (back, back_grid)], width)
    _grid(pdf, front, front_grid, width, size)
    _front_footer(pdf, content, width)
    pdf.showPage()
    _back_header(pdf, content, width)
    _grid(pdf, back, back_grid, width, size)
    _back_box(pdf, content, width)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# ---------------------------------------------------------------- fonts and text


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for folder in FONT_DIRS:
        regular, bold = folder / f"{REGULAR}.ttf", folder / f"{BOLD}.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
            return
    raise ToolMissing(
        "DejaVu Sans Condensed", "install fonts-dejavu-extra (scripts/install-system-deps)"
    )


def _style(size: float, *, bold: bool = False, color: Color = INK, **extra) -> ParagraphStyle:
    extra.setdefault("leading", round(size * 1.2, 1))
    font = BOLD if bold else REGULAR
    return ParagraphStyle("leaflet", fontName=font, fontSize=size, textColor=color, **extra)


def _para(text: str, style: ParagraphStyle, *, markup: bool = False) -> Paragraph:
    return Paragraph(text if markup else escape(text), style)


def _fit_line(pdf: Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which one line of ``text`` fits ``width``."""
    while size > 6 and pdf.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


# ---------------------------------------------------------------- the grid of forms


@dataclass
class _Part:
    paragraph: Paragraph
    x: float  # from the cell's left edge
    width: float
    bullet: bool = False
    height: float = 0.0


@dataclass
class _Cell:
    form: Form
    parts: list[_Part]
    height: float
    size: float


def _cell(form: Form, width: float, size: float) -> _Cell:
    """Lay out one form's text; the height it needs at this type size.

    Bullets are drawn, not typed: every line of a paragraph then starts at the same x,
    which keeps text tools (search, copy, pdftotext) reading each cell as one block.
    """
    # The number is part of the title's first line, on a red chip: one block of text.
    number = f'<font color="#ffffff">{form.number}</font>&nbsp;&nbsp;'
    title = _para(number + escape(form.title), _style(size + 1, bold=True, color=RED), markup=True)
    parts = [_Part(title, PAD + CHIP_PAD, width - 2 * PAD - CHIP_PAD)]
    indent = PAD + size
    for line in form.recognise:
        parts.append(_Part(_para(line, _style(size)), indent, width - indent - PAD, bullet=True))
    act = f'<font name="{BOLD}" color="#006b2e">{escape(ACT_LABEL)}</font> {escape(form.act)}'
    parts.append(_Part(_para(act, _style(size), markup=True), PAD, width - 2 * PAD))
    height = PAD
    for index, part in enumerate(parts):
        _, part.height = part.paragraph.wrap(part.width, 10_000)
        height += part.height + (3 if index in (1, len(parts) - 1) else 1 if index else 0)
    return _Cell(form, parts, height + PAD, size)


def _rows(forms, width: float, size: float) -> list[tuple[_Cell, ...]]:
    column = (width - GUTTER) / 2
    cells = [_cell(f, column, size) for f in forms]
    return [tuple(cells[i : i + 2]) for i in range(0, len(cells), 2)]


def _type_size(sides, width: float) -> float:
    """The largest body size at which every side's rows fit its grid."""
    for size in SIZES:
        if all(_fits(forms, grid, width, size) for forms, grid in sides):
            return size
    problems = [
        Problem(
            f.source,
            None,
            f"form {f.number}: leaflet text too long to print; shorten it",
            "leaflet-too-long",
            {"form": f.number},
        )
        for forms, grid in sides
        if not _fits(forms, grid, width, SIZES[-1])
        for f in forms
    ]
    raise LibraryError(problems)


def _fits(forms, grid: tuple[float, float], width: float, size: float) -> bool:
    top, bottom = grid
    rows = _rows(forms, width, size)
    needed = sum(max(c.height for c in row) for row in rows) + ROW_GAP * (len(rows) - 1)
    return needed <= top - bottom


def _grid(pdf: Canvas, forms, grid: tuple[float, float], width: float, size: float) -> None:
    top, bottom = grid
    rows = _rows(forms, width, size)
    heights = [max(c.height for c in row) for row in rows]
    spare = (top - bottom - sum(heights) - ROW_GAP * (len(rows) - 1)) / len(rows)
    column = (width - GUTTER) / 2
    y = top
    for row, height in zip(rows, heights, strict=True):
        height += spare
        for index, cell in enumerate(row):
            x = MARGIN + index * (column + GUTTER)
            _draw_cell(pdf, cell, x, y, column, height)
        y -= height + ROW_GAP


def _draw_cell(pdf: Canvas, cell: _Cell, x: float, top: float, width: float, height: float):
    pdf.setStrokeColor(RULE)
    pdf.setLineWidth(0.8)
    pdf.roundRect(x, top - height, width, height, 5, stroke=1, fill=0)
    title_size = cell.size + 1
    baseline = top - PAD - title_size  # a paragraph's first baseline is one font size down
    chip = pdf.stringWidth(str(cell.form.number), BOLD, title_size) + 2 * CHIP_PAD
    pdf.setFillColor(RED)
    pdf.roundRect(
        x + PAD, baseline - 0.3 * title_size, chip, 1.25 * title_size, 3, stroke=0, fill=1
    )
    y = top - PAD
    for index, part in enumerate(cell.parts):
        h = part.height
        part.paragraph.drawOn(pdf, x + part.x, y - h)
        if part.bullet:
            pdf.setFillColor(INK)
            pdf.circle(x + PAD + cell.size * 0.3, y - cell.size * 0.62, cell.size * 0.16, 0, 1)
        y -= h + (3 if index in (0, len(cell.parts) - 2) else 1)


# ---------------------------------------------------------------- page furniture


def _front_header(pdf: Canvas, content: LeafletContent, width: float) -> float:
    """The banner and who issues the leaflet; returns the y where the grid may start."""
    top = PAGE_H - MARGIN
    pdf.setFillColor(RED)
    pdf.roundRect(MARGIN, top - FRONT_BANNER, width, FRONT_BANNER, 6, stroke=0, fill=1)
    pdf.setFillColor(white)
    size = _fit_line(pdf, content.headline, BOLD, 22, width - 24)
    pdf.setFont(BOLD, size)
    pdf.drawCentredString(PAGE_W / 2, top - 26, content.headline)
    pdf.setFont(REGULAR, 11.5)
    pdf.drawCentredString(PAGE_W / 2, top - 44, content.tagline)
    who = f"<b>{escape(content.commune)}</b> · " if content.commune else ""
    who += f"{escape(content.producer)} · {escape(content.issued_label)}"
    line = _para(who, _style(9.5, color=GREY, alignment=1), markup=True)
    _, h = line.wrap(width, 100)
    line.drawOn(pdf, MARGIN, top - FRONT_BANNER - 5 - h)
    return top - FRONT_BANNER - 5 - h - 2


def _hotline_text(content: LeafletContent) -> str:
    parts = [f"{escape(h.label)}: <b>{escape(h.number)}</b>" for h in content.hotlines[1:]]
    emergency = content.hotlines[0].number
    head = f'<font color="#b01717"><b>Nghi ngờ lừa đảo, gọi ngay {emergency}</b></font>'
    return "   ·   ".join([head, *parts])


def _front_footer(pdf: Canvas, content: LeafletContent, width: float) -> None:
    pdf.setFillColor(TINT)
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(1.5)
    pdf.roundRect(MARGIN, MARGIN, width, FRONT_FOOTER, 6, stroke=1, fill=1)
    for size in (15, 14, 13, 12, 11):
        line = _para(_hotline_text(content), _style(size, alignment=1), markup=True)
        _, h = line.wrap(width - 20, 200)
        if h <= FRONT_FOOTER - 18:
            break
    line.drawOn(pdf, MARGIN + 10, MARGIN + FRONT_FOOTER - 6 - h)
    pdf.setFillColor(GREY)
    pdf.setFont(REGULAR, 8.5)
    pdf.drawRightString(MARGIN + width - 10, MARGIN + 5, "Xem tiếp mặt sau →")


def _back_header(pdf: Canvas, content: LeafletContent, width: float) -> None:
    top = PAGE_H - MARGIN
    pdf.setFillColor(RED)
    pdf.roundRect(MARGIN, top - BACK_BANNER, width, BACK_BANNER, 6, stroke=0, fill=1)
    pdf.setFillColor(white)
    text = f"{content.headline} (tiếp theo)"
    size = _fit_line(pdf, text, BOLD, 15, width - 24)
    pdf.setFont(BOLD, size)
    pdf.drawCentredString(PAGE_W / 2, top - BACK_BANNER / 2 - size * 0.35, text)


def _back_box(pdf: Canvas, content: LeafletContent, width: float) -> None:
    """The four rules, the hotlines in large type, the QR code; who issued it, under them."""
    bottom = MARGIN + CREDIT
    top = bottom + BACK_BOX - 9
    pdf.setFillColor(TINT)
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(1.5)
    pdf.roundRect(MARGIN, bottom, width, BACK_BOX, 6, stroke=1, fill=1)
    qr_w = QR_COLUMN if content.qr_url else 0.0
    calls_w = 118.0
    rules_w = width - 24 - calls_w - qr_w - 2 * 12
    x = MARGIN + 12
    y = _column_heading(pdf, content.rules_heading, x, top, rules_w)
    style = _style(10.5, leftIndent=14, bulletIndent=0, bulletFontName=BOLD)
    for number, rule in enumerate(content.rules, 1):
        paragraph = Paragraph(escape(rule), style, bulletText=f"{number}.")
        _, h = paragraph.wrap(rules_w, 100)
        paragraph.drawOn(pdf, x, y - h)
        y -= h + 2
    x += rules_w + 12
    pdf.setStrokeColor(RULE)
    pdf.setLineWidth(0.8)
    pdf.line(x - 6, bottom + 8, x - 6, bottom + BACK_BOX - 8)
    y = _column_heading(pdf, content.calls_heading, x, top, calls_w)
    for index, hotline in enumerate(content.hotlines):
        label_size = _fit_line(pdf, hotline.label, REGULAR, 9.5, calls_w)
        pdf.setFillColor(INK)
        pdf.setFont(REGULAR, label_size)
        pdf.drawString(x, y - label_size, hotline.label)
        y -= label_size + 3
        size = _fit_line(pdf, hotline.number, BOLD, 24 if index == 0 else 16, calls_w)
        pdf.setFillColor(RED)
        pdf.setFont(BOLD, size)
        pdf.drawString(x, y - size * 0.8, hotline.number)
        y -= size * 0.8 + 7
    if content.qr_url:
        _draw_qr(pdf, content, MARGIN + width - 12 - qr_w, top, qr_w)
    credit = f"Tờ rơi do {content.producer} phát hành"
    credit += f" cho bà con {content.commune}" if content.commune else ""
    credit += f" · {content.issued_label}"
    pdf.setFillColor(GREY)
    size = _fit_line(pdf, credit, REGULAR, 8.5, width)
    pdf.setFont(REGULAR, size)
    pdf.drawCentredString(PAGE_W / 2, MARGIN + 3, credit)


def _column_heading(pdf: Canvas, text: str, x: float, top: float, width: float) -> float:
    heading = _para(text, _style(11.5, bold=True, color=RED))
    _, h = heading.wrap(width, 100)
    heading.drawOn(pdf, x, top - h)
    return top - h - 4


def _draw_qr(pdf: Canvas, content: LeafletContent, x: float, top: float, width: float) -> None:
    """The QR code as vector squares (sharp on any printer), with its caption and address."""
    matrix = segno.make(content.qr_url, error="m").matrix
    side = QR_SIDE
    unit = side / (len(matrix) + 8)  # the quiet zone: four modules each side, white
    left = x + (width - side) / 2
    pdf.setFillColor(white)
    pdf.rect(left, top - side, side, side, stroke=0, fill=1)
    pdf.setFillColor(INK)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(left + (c + 4) * unit, top - (r + 5) * unit, unit, unit, stroke=0, fill=1)
    pdf.setFillColor(INK)
    y = top - side - 9
    for text, font in ((content.qr_caption, REGULAR), (content.qr_label, BOLD)):
        size = _fit_line(pdf, text, font, 7.5, width)
        pdf.setFont(font, size)
        pdf.drawCentredString(x + width / 2, y, text)
        y -= size + 2
