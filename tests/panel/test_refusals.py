"""Every rule the package can refuse with has its Vietnamese sentence in the panel."""

from __future__ import annotations

import re
from pathlib import Path

from web import refusals

PACKAGE = Path(__file__).resolve().parents[2] / "broadcaster"
WEB = PACKAGE.parent / "web"
CODE = re.compile(r'Refused\(\s*"([a-z-]+)"')


def test_every_refusal_code_is_said_in_vietnamese():
    raised = {
        code
        for folder in (PACKAGE, WEB)
        for path in folder.rglob("*.py")
        for code in CODE.findall(path.read_text(encoding="utf-8"))
    }
    assert len(raised) > 25  # the search finds the rules
    assert raised - refusals.codes() == set()
