"""Reading YAML with the line of every key, and nothing kept of it afterwards."""

from __future__ import annotations

from broadcaster import yamlsource

TEXT = """\
timezone: Asia/Ho_Chi_Minh
communes:
  - {id: co-am, name: Xã Cổ Am, since: 2026-11-30}
  - {id: tam-cuong, name: Xã Tam Cường, since: 2023-13-01}
"""


def test_keys_keep_their_lines_and_impossible_dates_their_text():
    located = yamlsource.load_text(TEXT, "stations.yaml")
    assert not located.problems
    assert located.line("communes", "1", "since") == 4
    assert str(located.data["communes"][0]["since"]) == "2026-11-30"
    assert located.data["communes"][1]["since"] == "2023-13-01"  # for the validator to name


def test_reading_again_and_again_keeps_nothing_of_earlier_reads():
    """The panel reads the library afresh on every page: a parse must not stay in memory."""
    for _ in range(3):
        yamlsource.load_text(TEXT, "stations.yaml")
    assert not yamlsource._scalar_loader.constructed_objects
    assert not yamlsource._scalar_loader.recursive_objects
