"""Layered settings: defaults < user YAML < environment < options, validated as a whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.config import load_settings
from broadcaster.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_alone_give_the_offline_capable_setup(repo):
    settings = load_settings(environ={})
    assert settings.data_dir == Path("var")
    assert settings.library_dir == Path("bulletins")
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.speech.engines == ("gtts", "espeak")
    assert settings.speech.espeak.voice == "vi"


def test_each_layer_overrides_the_one_before(tmp_path):
    user = write(
        tmp_path / "station.yaml",
        "data_dir: /srv/radio\nspeech:\n  espeak:\n    voice: vi-vn-x-south\n    rate: 140\n",
    )
    env = {"BROADCASTER_SPEECH__ESPEAK__RATE": "160", "BROADCASTER_SPEECH__ENGINES": "espeak"}
    settings = load_settings(config_file=user, environ=env, overrides={"data_dir": "/tmp/demo"})
    assert settings.speech.espeak.voice == "vi-vn-x-south"  # from the file
    assert settings.speech.espeak.rate == 160  # the environment beats the file
    assert settings.speech.engines == ("espeak",)  # a comma list from the environment
    assert settings.data_dir == Path("/tmp/demo")  # options beat everything


def test_relative_paths_in_a_user_file_are_relative_to_that_file(tmp_path):
    (tmp_path / "conf").mkdir()
    user = write(tmp_path / "conf" / "b.yaml", "library_dir: ../content\n")
    settings = load_settings(config_file=user, environ={})
    assert settings.library_dir == tmp_path / "conf" / ".." / "content"


def test_config_file_named_by_environment_is_used(tmp_path):
    user = write(tmp_path / "x.yaml", "timezone: Asia/Bangkok\n")
    settings = load_settings(environ={"BROADCASTER_CONFIG": str(user)})
    assert settings.timezone == "Asia/Bangkok"


def test_every_problem_is_reported_at_once_with_file_and_line(tmp_path):
    user = write(
        tmp_path / "bad.yaml",
        "speech:\n"
        "  engines: [gtts, polly]\n"
        "  espeak:\n"
        "    rate: fast\n"
        "    volume: 3\n"
        "timezone: Mars/Olympus\n",
    )
    env = {"BROADCASTER_SPEECH__ESPEAK__PITCH": "120"}
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=user, environ=env)
    message = str(caught.value)
    assert "5 problems" in message
    assert "bad.yaml:2: unknown speech engine 'polly'" in message
    assert "bad.yaml:4: 'speech.espeak.rate' must be a whole number, not 'fast'" in message
    assert "bad.yaml:5: unknown setting 'speech.espeak.volume'" in message
    assert "bad.yaml:6: unknown time zone 'Mars/Olympus'" in message
    assert "BROADCASTER_SPEECH__ESPEAK__PITCH: 'speech.espeak.pitch' must be 0..99" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    user = write(tmp_path / "broken.yaml", "speech:\n  engines: [gtts\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml:3: YAML syntax error"):
        load_settings(config_file=user, environ={})


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_settings(config_file=tmp_path / "nope.yaml", environ={})


def test_unknown_environment_variable_is_caught_as_a_typo():
    with pytest.raises(ConfigError, match="BROADCASTER_DATADIR: unknown setting 'datadir'"):
        load_settings(environ={"BROADCASTER_DATADIR": "/tmp"})


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("BROADCASTER_SPEECH__GTTS__SLOW", "true", True),
        ("BROADCASTER_SPEECH__GTTS__TIMEOUT_S", "2", 2.0),
        ("BROADCASTER_SPEECH__GTTS__TLD", "com", "com"),
    ],
)
def test_environment_values_are_typed(variable, value, expected):
    settings = load_settings(environ={variable: value})
    key = variable.rsplit("__", 1)[1].lower()
    assert getattr(settings.speech.gtts, key) == expected


def test_the_panel_sessions_default_to_a_working_day_with_no_proxy(repo):
    panel = load_settings(environ={}).panel
    assert (panel.session_hours, panel.secure_cookies, panel.trusted_proxies) == (12, None, ())


def test_the_panel_session_settings_from_a_file(tmp_path):
    user = write(
        tmp_path / "panel.yaml",
        "panel:\n  session_hours: 8\n  secure_cookies: true\n"
        "  trusted_proxies: [127.0.0.1, 10.0.0.0/24]\n",
    )
    panel = load_settings(config_file=user, environ={}).panel
    assert (panel.session_hours, panel.secure_cookies) == (8, True)
    assert panel.trusted_proxies == ("127.0.0.1", "10.0.0.0/24")


def test_bad_panel_session_settings_are_named(tmp_path):
    user = write(
        tmp_path / "panel.yaml",
        "panel:\n  session_hours: 0\n  secure_cookies: sometimes\n  trusted_proxies: [nginx]\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=user, environ={})
    message = str(caught.value)
    assert "panel.yaml:2: 'panel.session_hours' must be 1..744 hours" in message
    assert "panel.yaml:3: 'panel.secure_cookies' must be true or false" in message
    assert "panel.yaml:4: 'panel.trusted_proxies': 'nginx' is not an IP address" in message
