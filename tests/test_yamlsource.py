"""Reading YAML with the line of every key, and nothing kept of it afterwards."""

from __future__ import annotations

import time

import pytest
import yaml

from broadcaster import yamlsource
from broadcaster.planning.stations import load_network

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


# ---------------------------------------------------------------- bounds and the fast path

LOADERS = [
    pytest.param(
        "libyaml", marks=pytest.mark.skipif(not yaml.__with_libyaml__, reason="no libyaml")
    ),
    "pure-python",
]


@pytest.fixture(params=LOADERS)
def loader(request, monkeypatch) -> str:
    """Each test below holds with libyaml and without it (PyYAML built without C)."""
    if request.param == "pure-python":
        monkeypatch.setattr(yamlsource, "_FastLoader", None)
    return request.param


def laughs(levels: int) -> str:
    """The "billion laughs": each line holds ten aliases of the line above."""
    lines = ['lol0: &a0 "ha"']
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_chain_is_refused_at_once_with_its_line(loader):
    started = time.perf_counter()
    located = yamlsource.load_text(laughs(9), "ban-tin.yaml")  # a billion values if expanded
    assert time.perf_counter() - started < 5
    [problem] = located.problems
    assert (problem.source, problem.line) == ("ban-tin.yaml", 1)
    assert "aliases (*name) repeat more than 100000 values" in problem.message
    assert located.data is None


def test_a_modest_alias_chain_is_refused_too(loader):
    """A million values (six levels): it would load, slowly, in a few hundred megabytes."""
    assert "aliases" in yamlsource.load_text(laughs(6), "x.yaml").problems[0].message


def test_aliases_within_the_bound_still_work(loader):
    text = "slots: &std [{start: '6:30'}, {start: '17:30'}]\na: *std\nb: *std\n"
    located = yamlsource.load_text(text, "stations.yaml")
    assert not located.problems
    assert located.data["b"] == [{"start": "6:30"}, {"start": "17:30"}]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5000 + "]" * 5000 + "\n",  # flow style
        "a:\n" + "".join("  " * depth + "-\n" for depth in range(1, 5000)),  # block style
        "- " * 5000 + "x\n",
        "a: " + "[" * 100 + "]" * 100 + "\n",  # within libyaml's own bound of 1,000
        "a: &x [1, *x]\n",  # a list that holds itself
    ],
    ids=["flow", "block", "compact", "hundred", "recursive"],
)
def test_deep_nesting_is_a_problem_with_a_line_not_a_traceback(loader, text):
    located = yamlsource.load_text(text, "lich.yaml")
    [problem] = located.problems
    assert problem.source == "lich.yaml" and problem.line is not None
    assert problem.message == "nested deeper than 64 levels"


def test_a_complex_key_is_a_problem_not_a_field(loader):
    located = yamlsource.load_text("? [a, b]\n: 1\nid: x\n", "x.yaml")
    assert [str(p) for p in located.problems] == ["x.yaml:1: a key must be plain text"]
    assert located.data == {"id": "x"}


def test_syntax_errors_and_duplicates_read_the_same_with_either_loader(loader):
    broken = yamlsource.load_text("a: 1\nb: [1, 2\nc: 3\n", "x.yaml")
    assert [str(p) for p in broken.problems] == [
        "x.yaml:3: YAML syntax error: expected ',' or ']', but got ':'"
    ]
    twice = yamlsource.load_text("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert [str(p) for p in twice.problems] == ["x.yaml:3: duplicate key 'a'"]


def test_keys_keep_their_lines_with_either_loader(loader):
    test_keys_keep_their_lines_and_impossible_dates_their_text()


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "ban-tin.yaml"
    path.write_text("# " + "x" * (3 << 19) + "\nid: x\n", encoding="utf-8")  # 1.5 MB
    located = yamlsource.load_file(path, max_bytes=1 << 20)
    [problem] = located.problems
    assert problem.message == "the file is 1.5 MB; the limit is 1.0 MB"
    assert located.data is None


def national_schedule(communes: int) -> str:
    lines = ["timezone: Asia/Ho_Chi_Minh", "producer:", "  id: nguon-tinh"]
    lines += ["  name: Hệ thống thông tin nguồn tỉnh", "  level: province", "  slots:"]
    lines += ['    - {days: daily, start: "6:00", minutes: 30}', "communes:"]
    for n in range(communes):
        lines += [f"  - id: xa-{n:04d}", f"    name: Xã Vĩnh Tiến {n}", "    slots:"]
        lines += [f'      - {{days: daily, start: "6:{n % 4 * 10:02d}", minutes: 15}}']
        lines += ['      - {days: mon-fri, start: "17:30", minutes: 20}']
    return "\n".join(lines) + "\n"


def test_a_national_schedule_loads_within_the_size_bound(tmp_path):
    path = tmp_path / "stations.yaml"
    path.write_text(national_schedule(3321), encoding="utf-8")
    assert path.stat().st_size * 8 < yamlsource.MAX_FILE_BYTES  # room for longer names, comments
    network = load_network(path)
    assert len(network.communes) == 3321
    assert network.communes[-1].id == "xa-3320"


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_a_valid_file_is_never_parsed_by_the_slow_loader(monkeypatch):
    """PyYAML's own parser takes five times longer (2.5 s against 0.5 s for a national
    schedule): it is asked only about a file that libyaml refuses, for its message."""
    composed = []
    real = yaml.composer.Composer.compose_document

    def spy(self):
        composed.append(type(self).__name__)
        return real(self)

    monkeypatch.setattr(yaml.composer.Composer, "compose_document", spy)
    located = yamlsource.load_text(national_schedule(20), "stations.yaml")
    assert not located.problems and located.line("communes", "19", "slots", "1") == 108
    assert composed == []
    broken = yamlsource.load_text("a: [1\nb: 2\n", "stations.yaml")
    assert broken.problems[0].line == 2 and composed
