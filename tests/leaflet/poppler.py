"""Read a PDF back as a reader's tools do (poppler-utils): text, fonts, pages, pixels."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def text(pdf: Path) -> str:
    """The text as copied out of the PDF, with runs of white space made one space."""
    return " ".join(run("pdftotext", "-enc", "UTF-8", str(pdf), "-").split())


def info(pdf: Path) -> dict[str, str]:
    lines = run("pdfinfo", str(pdf)).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type and whether each font is embedded (emb), subset, unicode."""
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    table = []
    for row in rows:
        parts = row.split()
        # name type [type...] encoding emb sub uni object-id generation
        table.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return table


def ink(pdf: Path, page: int, tmp: Path) -> float:
    """The share of a page's pixels that are not white, rendered by pdftoppm in grey."""
    stem = tmp / f"page{page}"
    run(
        "pdftoppm",
        "-r",
        "30",
        "-gray",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(pdf),
        str(stem),
    )
    data = Path(f"{stem}.pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)  # binary grey, one byte a pixel
    assert header, data[:20]
    pixels = data[header.end() : header.end() + int(header[1]) * int(header[2])]
    return sum(1 for value in pixels if value < 200) / len(pixels)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Word, slack: float = 0.5) -> bool:
        return (
            self.x0 + slack < other.x1
            and other.x0 + slack < self.x1
            and self.y0 + slack < other.y1
            and other.y0 + slack < self.y1
        )


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def words(pdf: Path) -> tuple[list[Word], list[tuple[float, float]]]:
    """Every word with its box, and each page's size, from ``pdftotext -bbox``."""
    out = run("pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-")
    found, sizes = [], []
    for number, page in enumerate(out.split("<page ")[1:], 1):
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', page)
        sizes.append((float(size.group(1)), float(size.group(2))))
        for m in WORD.finditer(page):
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            found.append(Word(number, m.group(5), x0, y0, x1, y1))
    return found, sizes


def overlapping(found: list[Word]) -> list[tuple[str, str]]:
    """Pairs of words printed over each other on the same page."""
    pairs = []
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a.page == b.page and a.overlaps(b):
                pairs.append((a.text, b.text))
    return pairs
