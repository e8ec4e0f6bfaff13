"""The stations file with police numbers, as a fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from .stations import with_police_numbers


@pytest.fixture
def stations_file(repo: Path, tmp_path: Path) -> Path:
    return with_police_numbers(repo, tmp_path)
