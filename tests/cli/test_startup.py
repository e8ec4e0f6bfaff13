"""``broadcaster --help`` and a mistyped option answer at once.

What makes a command slow to start is importing SQLAlchemy, numpy and scipy before
it has decided what to do (0.5-0.7 s on a small server); the time itself is for
``benchmarks/cli_startup.py``. Each case runs the real entry point in a fresh
interpreter and lists which of those it loaded.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "numpy", "scipy", "icalendar", "pydub", "gtts")

PROBE = f"""
import sys
from broadcaster.cli import main
sys.argv = ["broadcaster", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print("LOADED:" + ",".join(loaded), file=sys.stderr)
"""


def loaded_by(*args: str) -> tuple[list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60
    )
    said, _, loaded = done.stderr.rpartition("LOADED:")
    return [m for m in loaded.strip().split(",") if m], done.stdout + said


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["plan", "--help"],
        ["render", "--help"],
        ["plan", "--days", "many"],
        ["nonsense"],
    ],
    ids=["help", "plan-help", "render-help", "bad-number", "unknown-command"],
)
def test_help_and_usage_mistakes_load_nothing_heavy(args):
    loaded, output = loaded_by(*args)
    assert loaded == [], f"{' '.join(args)} loaded {loaded}"
    assert output.strip()  # and still answered


def test_the_choices_still_come_from_the_package():
    # (These load the enum's module, database code and all: only these options pay.)
    _, output = loaded_by("confirm", "--help")
    assert "[aired|failed|missed]" in output
    _, output = loaded_by("user", "add", "someone", "--full-name", "X", "--role", "chief")
    assert "'chief' is not one of 'staff', 'operator', 'leader', 'admin'" in output


def test_a_command_that_needs_the_database_still_gets_it(tmp_path):
    loaded, output = loaded_by("--data-dir", str(tmp_path / "data"), "--create", "user", "demo")
    assert "sqlalchemy" in loaded
    assert "canbo" in output
