"""``broadcaster leaflet``: the printed leaflet of the 24 forms, from the same library."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.cli.support import LazyRuntime, pass_runtime


@click.command()
@click.option(
    "--station",
    "station_id",
    help="A commune's id: its name and police number go on the leaflet (default: the network).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The PDF file (default: to-roi-24-hinh-thuc[-STATION].pdf here).",
)
@pass_runtime
def leaflet(lazy: LazyRuntime, station_id: str | None, out: Path | None) -> None:
    """Write the A4 leaflet of the 24 forms as a two-page PDF, to print on both sides."""
    from broadcaster.leaflet import write_leaflet  # ReportLab: only for this command

    path = write_leaflet(lazy.get(), station_id, out)
    click.echo(f"leaflet ({'station ' + station_id if station_id else 'whole network'}): {path}")
