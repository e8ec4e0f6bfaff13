"""``broadcaster leaflet`` as an operator or the centre runs it."""

from __future__ import annotations

from . import poppler
from .stations import CO_AM_POLICE


def test_the_command_writes_a_communes_leaflet(run_cli, stations_file, tmp_path):
    out = tmp_path / "in" / "co-am.pdf"
    env = {"BROADCASTER_SCHEDULE__STATIONS": str(stations_file)}
    result = run_cli("leaflet", "--station", "co-am", "--out", str(out), env=env)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    assert poppler.info(out)["Pages"] == "2"
    text = poppler.text(out)
    assert f"Công an xã Cổ Am: {CO_AM_POLICE}" in text
    assert "Ngày 29/11/2026" in text  # the runtime's clock, pinned by the test
    assert [p.name for p in out.parent.iterdir()] == ["co-am.pdf"]  # no temporary left


def test_the_network_leaflet_names_no_commune(run_cli, tmp_path):
    out = tmp_path / "all.pdf"
    result = run_cli("leaflet", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = poppler.text(out)
    assert "Xã Cổ Am" not in text
    assert "gọi ngay 113" in text


def test_an_unknown_station_is_an_error_line(run_cli, tmp_path):
    out = tmp_path / "x.pdf"
    result = run_cli("leaflet", "--station", "khong-co", "--out", str(out))
    assert result.exit_code == 1
    assert "error: leaflet: 1 problem" in result.output
    assert "no station 'khong-co' in the schedule" in result.output
    assert not out.exists()
