"""Whatever goes wrong, the command says it in one ``error: ...`` line, never a traceback:
a read-only data directory, undecodable input, a mistyped --data-dir, a usage mistake."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from broadcaster import db
from broadcaster.config import load_settings

# Root writes through permission bits (CAP_DAC_OVERRIDE): without these two
# capabilities, a read-only folder is read-only for root too, as it is for the
# station's own user. setpriv is in util-linux, which every Debian has.
_NO_OVERRIDE = "-dac_override,-dac_read_search"
UNPRIVILEGED = (
    ["setpriv", f"--inh-caps={_NO_OVERRIDE}", f"--bounding-set={_NO_OVERRIDE}", "--"]
    if os.geteuid() == 0
    else []
)


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        bits = stat.S_IWUSR if writable else stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | bits if writable else mode & ~bits)


@pytest.fixture(scope="module")
def read_only_data(_rendered_once: Path, tmp_path_factory) -> Path:
    """A station's data directory (renders, a database) that the user may not write."""
    if subprocess.run([*UNPRIVILEGED, "true"], capture_output=True, check=False).returncode:
        pytest.skip("root here cannot give up CAP_DAC_OVERRIDE (setpriv needs CAP_SETPCAP)")
    data = tmp_path_factory.mktemp("read-only") / "var"
    shutil.copytree(_rendered_once, data)
    db.connect(load_settings(environ={"BROADCASTER_DATA_DIR": str(data)}).database).dispose()
    _set_writable(data, False)
    probe = subprocess.run(
        [*UNPRIVILEGED, "touch", str(data / "probe")], capture_output=True, check=False
    )
    assert probe.returncode != 0, "the data directory is still writable: the test proves nothing"
    yield data
    _set_writable(data, True)


def run_command(repo: Path, data: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "BROADCASTER_DATA_DIR": str(data), "BROADCASTER_CONFIG": ""}
    return subprocess.run(
        [*UNPRIVILEGED, sys.executable, "-m", "broadcaster", *args],
        capture_output=True,
        text=True,
        cwd=repo,
        env=environment,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--date", "2099-01-05"),
        ("approve", "mo-dau", "--by", "kiem-duyet"),
        ("playlists", "--date", "2099-01-05"),
        ("user", "demo"),
        ("ics", "--station", "co-am", "--date", "2099-01-05"),
        ("render", "--engine", "espeak", "--only", "f01-combo-du-lich"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_read_only_data_directory_is_one_error_line_naming_it(repo, read_only_data, args):
    done = run_command(repo, read_only_data, *args)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    said = [line for line in done.stderr.splitlines() if line != "rendering"]  # progress label
    assert len(said) == 1, done.stderr
    assert said[0].startswith("error: ")
    assert str(read_only_data.resolve()) in said[0]


def test_read_only_database_says_so(repo, read_only_data):
    done = run_command(repo, read_only_data, "user", "demo")
    database = read_only_data.resolve() / "broadcaster.db"
    assert done.stderr.startswith(f"error: the database {database} is read-only")


def test_invalid_utf8_on_standard_input_names_the_line(run_cli):
    result = run_cli("normalize", input=b"UBND xa\n\xff\xfe 20 dong\n")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2  # the good line was spoken before the bad one stopped it
    assert lines[1] == "error: standard input, line 2, is not UTF-8 text: byte 0xff at position 1"


def test_a_data_dir_whose_parent_is_missing_is_refused(run_cli, tmp_path):
    typo = tmp_path / "srv" / "radoi" / "var"
    result = run_cli("--data-dir", str(typo), "user", "demo")
    assert result.exit_code == 2
    assert result.output.startswith(
        f"error: Invalid value for '--data-dir': {typo.parent} does not exist"
    )
    assert "--create" in result.output
    assert not (tmp_path / "srv").exists()  # no new, empty database somewhere else


def test_create_starts_a_new_data_directory(run_cli, tmp_path):
    fresh = tmp_path / "srv" / "radio" / "var"
    result = run_cli("--data-dir", str(fresh), "--create", "user", "demo")
    assert result.exit_code == 0, result.output
    assert (fresh / "broadcaster.db").is_file()


def test_a_data_dir_in_an_existing_folder_needs_no_create(run_cli, tmp_path):
    result = run_cli("--data-dir", str(tmp_path / "first-run"), "user", "demo")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "first_line", "hint"),
    [
        (
            ("plan", "--days", "0"),
            "error: Invalid value for '--days': 0 is not in the range 1<=x<=366.",
            "plan --help' for help.",
        ),
        (("plann",), "error: No such command 'plann'.", " --help' for help."),
        (("--colour",), "error: No such option: --colour", " --help' for help."),
        (
            ("ics",),
            "error: Missing option '--station'.",
            "ics --help' for help.",
        ),
    ],
)
def test_usage_mistakes_read_error_like_every_other_error(run_cli, args, first_line, hint):
    result = run_cli(*args)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == first_line
    assert lines[-1].endswith(hint)
    assert "Error:" not in result.output
