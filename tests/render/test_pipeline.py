"""Rendering the library: real espeak-ng, real ffmpeg, real files in a temporary data dir."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from mutagen.easyid3 import EasyID3

from broadcaster.config import load_settings
from broadcaster.library.bulletins import load_library
from broadcaster.normalize import Lexicon
from broadcaster.render.manifest import file_sha256, load_manifest, renders_dir
from broadcaster.render.pipeline import render_library
from broadcaster.runtime import FixedClock

RENDERED_AT = dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))

BULLETIN = """\
id: {id}
form: {form}
kind: bulletin
title: {title}
priority: {priority}
valid_from: 2023-01-01
body: |
  {body}
"""


def add_bulletin(
    folder: Path,
    id: str,
    body: str,
    *,
    form: int = 3,
    priority: str = "thuong",
    title: str = "Khóa SIM vì chưa chuẩn hóa thuê bao",
    extra: str = "",
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = BULLETIN.format(id=id, form=form, title=title, priority=priority, body=body) + extra
    (folder / f"{id}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    folder = tmp_path / "bulletins"
    add_bulletin(folder, "sim", "Thưa bà con, không ai được khóa SIM của bà con qua điện thoại.")
    add_bulletin(
        folder,
        "otp",
        "Tuyệt đối không đọc mã OTP cho người lạ. Gọi 113 khi bị lừa 20.000.000 đồng.",
        form=19,
        title="Lấy cắp Telegram OTP",
    )
    return folder


@pytest.fixture
def offline(repo, data_dir, small_library):
    """Settings for an offline machine: espeak-ng only, the small library, a fresh data dir."""
    return load_settings(
        environ={
            "BROADCASTER_DATA_DIR": str(data_dir),
            "BROADCASTER_LIBRARY_DIR": str(small_library),
            "BROADCASTER_SPEECH__ENGINES": "espeak",
        }
    )


def render(settings, **kwargs):
    library = load_library(settings.library_dir)
    kwargs.setdefault("clock", FixedClock(RENDERED_AT))
    return render_library(library, settings=settings, lexicon=Lexicon.load(), **kwargs)


def test_render_writes_airable_mp3s_listed_in_the_manifest(offline, data_dir):
    report = render(offline)
    assert [o.status for o in report.outcomes] == ["rendered", "rendered"]
    manifest = json.loads((data_dir / "renders" / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["renders"]) == {"sim", "otp"}
    for bulletin_id, entry in manifest["renders"].items():
        path = data_dir / "renders" / entry["file"]
        assert path.name.startswith(f"{bulletin_id}-") and path.suffix == ".mp3"
        assert file_sha256(path) == entry["sha256"]
        assert abs(entry["loudness_lufs"] - -16.0) <= 1.0
        assert entry["true_peak_dbtp"] <= -1.0
        assert entry["engine"] == "espeak" and entry["voice"] == "vi"
        assert entry["fallback"] is False
        assert entry["duration_s"] > entry["speech_duration_s"] > 1.0
        assert EasyID3(path)["title"] == [
            "Khóa SIM vì chưa chuẩn hóa thuê bao"
            if bulletin_id == "sim"
            else "Lấy cắp Telegram OTP"
        ]
    assert not list((data_dir / "renders").glob(".tmp-*"))


def test_second_render_with_nothing_changed_synthesises_nothing(offline):
    first = render(offline)
    second = render(offline)
    assert first.synthesis_calls == 2
    assert second.synthesis_calls == 0
    assert [o.status for o in second.outcomes] == ["unchanged", "unchanged"]
    assert [o.record for o in second.outcomes] == [o.record for o in first.outcomes]


def test_editing_a_bulletin_makes_a_new_file_and_keeps_the_old_audio(
    offline, small_library, data_dir
):
    first = {o.bulletin_id: o.record for o in render(offline).outcomes}
    add_bulletin(
        small_library, "sim", "Thưa bà con, nhà mạng không bao giờ khóa SIM qua điện thoại."
    )
    second = {o.bulletin_id: o for o in render(offline).outcomes}
    assert second["sim"].status == "rendered" and second["otp"].status == "unchanged"
    assert second["sim"].record.sha256 != first["sim"].sha256
    # The audio staff may already have approved is still on disk, byte for byte.
    old = renders_dir(data_dir) / first["sim"].file
    assert file_sha256(old) == first["sim"].sha256
    assert load_manifest(data_dir)["sim"].file == second["sim"].record.file


def test_a_damaged_output_file_is_rendered_again(offline, data_dir):
    first = render(offline).outcomes[0].record
    (renders_dir(data_dir) / first.file).write_bytes(b"not what was approved")
    again = render(offline).outcomes[0]
    assert again.status == "rendered"
    assert file_sha256(renders_dir(data_dir) / again.record.file) == again.record.sha256


def test_one_failing_bulletin_does_not_stop_the_others(offline, small_library):
    add_bulletin(small_library, "bad-voice", "Thưa bà con.", extra="voice: vi-vn-x-mars\n")
    report = render(offline)
    status = {o.bulletin_id: o for o in report.outcomes}
    assert status["sim"].status == status["otp"].status == "rendered"
    assert status["bad-voice"].status == "failed"
    assert "vi-vn-x-mars" in status["bad-voice"].error


def test_offline_default_engines_fall_back_to_espeak_and_say_so(repo, data_dir, small_library):
    settings = load_settings(
        environ={
            "BROADCASTER_DATA_DIR": str(data_dir),
            "BROADCASTER_LIBRARY_DIR": str(small_library),
            "BROADCASTER_SPEECH__GTTS__RETRIES": "0",
            "BROADCASTER_SPEECH__GTTS__TIMEOUT_S": "2",
        }
    )
    report = render(settings, workers=1)
    for outcome in report.outcomes:
        assert outcome.record.engine == "espeak"
        assert outcome.record.fallback is True
        assert any("gtts" in failure for failure in outcome.record.failures)
    # Nothing changed: the fallback speech is reused, not mastered again.
    again = render(settings, workers=1)
    assert again.synthesis_calls == 0
    assert [o.record.sha256 for o in again.outcomes] == [o.record.sha256 for o in report.outcomes]


def test_a_recording_replaces_synthesis(offline, small_library, tmp_path):
    recording = small_library / "doc-ban-tin.ogg"
    speech = tmp_path / "speech.wav"
    subprocess.run(
        ["espeak-ng", "-v", "vi", "-w", str(speech), "Thưa bà con, đây là giọng phát thanh viên."],
        check=True,
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(speech), "-ac", "2", "-ar", "48000", str(recording)],
        check=True,
    )
    add_bulletin(small_library, "doc", "Thưa bà con.", extra="recording: doc-ban-tin.ogg\n")
    report = render(offline)
    (outcome,) = [o for o in report.outcomes if o.bulletin_id == "doc"]
    assert outcome.record.engine == "recorded"
    assert outcome.record.voice == "doc-ban-tin.ogg"


def test_render_command_shows_each_bulletin_and_the_manifest(run_cli, data_dir):
    result = run_cli("render", "--engine", "espeak", "--only", "mo-dau", "--only", "ket-thuc")
    assert result.exit_code == 0, result.output
    assert "2 rendered (2 synthesised), 0 unchanged, 0 failed" in result.output
    assert "espeak/vi" in result.output
    again = run_cli("render", "--engine", "espeak", "--only", "mo-dau", "--by", "hoa")
    assert "0 rendered (0 synthesised), 1 unchanged, 0 failed" in again.output
    from broadcaster import audit, db
    from broadcaster.config import load_settings

    engine = db.connect(load_settings(environ={"BROADCASTER_DATA_DIR": str(data_dir)}).database)
    trail = sorted((e.action, e.target) for e in audit.recent(engine))
    assert trail == [("render", "ket-thuc"), ("render", "mo-dau")]  # only what was made


def test_render_command_refuses_unknown_engine_and_ids(run_cli):
    result = run_cli("render", "--engine", "polly")
    assert result.exit_code == 1
    assert "unknown speech engine 'polly'" in result.output
    result = run_cli("render", "--only", "khong-co")
    assert result.exit_code == 1
    assert "khong-co: no bulletin has this id" in result.output


def test_missing_sound_asset_is_a_clear_error(run_cli, tmp_path):
    result = run_cli(
        "render", env={"BROADCASTER_PROGRAMMES__DEFAULT__INTRO": str(tmp_path / "x.wav")}
    )
    assert result.exit_code == 1
    assert "programmes.default.intro" in result.output and "x.wav not found" in result.output


def test_a_render_made_offline_stays_current_under_the_default_engine_order(
    offline, repo, data_dir, small_library
):
    first = render(offline)  # espeak only, as `make demo` does
    default_order = load_settings(
        environ={
            "BROADCASTER_DATA_DIR": str(data_dir),
            "BROADCASTER_LIBRARY_DIR": str(small_library),
            "BROADCASTER_SPEECH__GTTS__RETRIES": "0",
            "BROADCASTER_SPEECH__GTTS__TIMEOUT_S": "2",
        }
    )
    again = render(default_order, workers=1)  # gTTS is tried again, and is unreachable
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert again.synthesis_calls == 0
    assert [o.record for o in again.outcomes] == [o.record for o in first.outcomes]


def test_two_renders_at_once_keep_each_others_audio_in_the_manifest(offline, small_library):
    """The panel renders one bulletin while the command line renders another."""
    library = load_library(small_library)
    sim, otp = library.get("sim"), library.get("otp")
    lexicon = Lexicon.load()
    clock = FixedClock(RENDERED_AT)

    def meanwhile(_outcome) -> None:  # runs after the first render read the manifest
        render_library([otp], settings=offline, lexicon=lexicon, workers=1, clock=clock)

    render_library(
        [sim], settings=offline, lexicon=lexicon, workers=1, progress=meanwhile, clock=clock
    )
    assert set(load_manifest(offline.data_dir)) == {"sim", "otp"}
