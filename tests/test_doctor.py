"""``broadcaster doctor`` tells the truth about this machine, with and without espeak-ng."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
import responses

GTTS_URL = "https://translate.google.com.vn/"


@pytest.fixture
def google_up():
    with responses.RequestsMock() as mock:
        mock.add(responses.HEAD, GTTS_URL, status=200)
        yield


@pytest.fixture
def google_down():
    with responses.RequestsMock() as mock:
        mock.add(responses.HEAD, GTTS_URL, body=requests.ConnectionError("no route"))
        yield


def path_without_espeak(tmp_path: Path) -> str:
    """A PATH holding only ffmpeg and ffprobe: a machine where espeak-ng was never installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("ffmpeg", "ffprobe"):
        (bin_dir / program).symlink_to(shutil.which(program))
    return str(bin_dir)


# Plays in real time to no device: what a studio's player does, minus the loudspeaker.
REAL_TIME = '["ffmpeg", "-nostdin", "-v", "error", "-re", "-i", "{file}", "-f", "null", "-"]'


def test_ready_machine_passes_every_check(run_cli, google_up, data_dir):
    result = run_cli("doctor", env={"BROADCASTER_PLAYOUT__PLAYER": REAL_TIME})
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0]: line for line in result.output.splitlines()}
    for check in (
        "ffmpeg",
        "ffprobe",
        "espeak-ng",
        "espeak-ng Vietnamese voices",
        "data directory",
        "player",
    ):
        assert " ok " in rows[check], rows[check]
    assert "vi-vn-x-south" in rows["espeak-ng Vietnamese voices"]
    assert "reachable" in rows["gTTS endpoint"]
    assert data_dir.is_dir()
    # Nothing planned on this fresh data directory: said, as a warning (playout plans it).
    assert (
        " warn " in rows["today's plan"] and "no plan stored for 2026-11-29" in rows["today's plan"]
    )


def test_offline_machine_only_warns_about_gtts(run_cli, google_down):
    result = run_cli("doctor", env={"BROADCASTER_PLAYOUT__PLAYER": REAL_TIME})
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.output.splitlines() if line.startswith("gTTS endpoint")]
    assert "warn" in row and "espeak-ng will speak" in row


def test_missing_espeak_fails_and_says_how_to_install(run_cli, google_down, tmp_path):
    result = run_cli("doctor", env={"PATH": path_without_espeak(tmp_path)})
    assert result.exit_code == 1
    rows = [line for line in result.output.splitlines() if line.startswith("espeak-ng")]
    assert all("MISSING" in row for row in rows) and len(rows) == 2
    assert "apt-get install espeak-ng" in rows[0]
    assert "error: missing: espeak-ng, espeak-ng Vietnamese voices" in result.output
    assert "Traceback" not in result.output


def test_unwritable_data_directory_is_reported(run_cli, google_down, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    result = run_cli("doctor", env={"BROADCASTER_DATA_DIR": str(blocker / "var")})
    assert result.exit_code == 1
    (row,) = [line for line in result.output.splitlines() if line.startswith("data directory")]
    assert "MISSING" in row and "not writable" in row


@pytest.mark.parametrize(
    ("player", "said"),
    [
        # ffplay without a sound device: "audio open failed", status 0, at once
        (
            '["python3", "-c", "import sys; sys.stderr.write(\'audio open failed\')", "{file}"]',
            "did not play in real time (no sound device?): audio open failed",
        ),
        ('["false", "{file}"]', "exited with 1"),
        ('["no-such-player", "{file}"]', "no-such-player not found"),
    ],
)
def test_a_player_that_does_not_really_play_is_reported(run_cli, google_down, player, said):
    result = run_cli("doctor", env={"BROADCASTER_PLAYOUT__PLAYER": player})
    assert result.exit_code == 1
    row = next(line for line in result.output.splitlines() if line.startswith("player"))
    assert "MISSING" in row and said in row


def test_the_default_player_fails_loudly_without_a_sound_device(run_cli, google_down):
    """This machine has no sound card: the default player must say so, not exit 0."""
    if (
        Path("/proc/asound/cards").is_file()
        and "no soundcards" not in Path("/proc/asound/cards").read_text()
    ):
        pytest.skip("this machine has a sound card")
    result = run_cli("doctor")
    row = next(line for line in result.output.splitlines() if line.startswith("player"))
    assert "MISSING" in row and "exited with 1" in row
