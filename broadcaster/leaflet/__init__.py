"""The printed leaflet of the 24 forms: the plan's other channel, from the same library.

:mod:`content` decides what goes on the page (pure), :mod:`pdf` draws it. The
command line and the panel call :func:`make_leaflet`, which takes the library,
the stations and today's date from the runtime.
"""

from __future__ import annotations

from pathlib import Path

from broadcaster.atomic import write_bytes_atomic
from broadcaster.leaflet.content import LeafletContent, build_content
from broadcaster.leaflet.pdf import render_pdf
from broadcaster.runtime import Runtime

__all__ = ["LeafletContent", "build_content", "default_name", "make_leaflet", "write_leaflet"]


def leaflet_content(runtime: Runtime, station_id: str | None = None) -> LeafletContent:
    return build_content(
        runtime.library(),
        runtime.schedule().network,
        issued=runtime.clock.today(),
        station_id=station_id,
        qr_url=runtime.settings.leaflet.qr_url,
    )


def make_leaflet(runtime: Runtime, station_id: str | None = None) -> bytes:
    """The PDF for the whole network (no station, or the producer) or for one commune."""
    return render_pdf(leaflet_content(runtime, station_id))


def default_name(station_id: str | None = None) -> str:
    return f"to-roi-24-hinh-thuc-{station_id}.pdf" if station_id else "to-roi-24-hinh-thuc.pdf"


def write_leaflet(runtime: Runtime, station_id: str | None, out: Path | None = None) -> Path:
    """Write the PDF atomically (a printer spooling it never reads half a file)."""
    path = out or Path(default_name(station_id))
    write_bytes_atomic(path, make_leaflet(runtime, station_id))
    return path
