"""Layered settings: package defaults, the user's YAML, environment, options.

Each layer is a nested dict; they are merged in order and then converted into
frozen dataclasses in one pass that collects every problem (unknown key, wrong
type, bad value) with the layer and line it came from, so a user fixes them
all in one go.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import types
import typing
import zoneinfo
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

from broadcaster import yamlsource
from broadcaster.errors import ConfigError, Problem

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")
ENV_PREFIX = "BROADCASTER_"
CONFIG_ENV = "BROADCASTER_CONFIG"
LOCAL_CONFIG = Path("broadcaster.yaml")
KNOWN_ENGINES = ("gtts", "espeak")
# Northern, Central, Southern. Here rather than in the engine, so that checking a
# config does not load the speech stage (numpy, gTTS) into every process.
ESPEAK_VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
# Bounds for espeak-ng's rate (words a minute) and the pause after a sentence, shared by
# the config check and a bulletin's own ``speech:`` mapping.
ESPEAK_RATE = (80, 450)
SENTENCE_PAUSE_MS = (100, 3000)
MP3_BITRATES = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


@dataclass(frozen=True)
class GttsSettings:
    tld: str
    slow: bool
    timeout_s: float
    retries: int
    backoff_s: float


@dataclass(frozen=True)
class EspeakSettings:
    voice: str
    rate: int  # espeak-ng's words per minute (-s); horns want it slower than conversation
    pitch: int
    sentence_pause_ms: int = 700  # silence after each sentence and line, exactly

    def adjusted(
        self, *, rate: int | None = None, sentence_pause_ms: int | None = None
    ) -> EspeakSettings:
        """These settings with a bulletin's own rate or pause, where it gives one."""
        return dataclasses.replace(
            self,
            rate=self.rate if rate is None else rate,
            sentence_pause_ms=(
                self.sentence_pause_ms if sentence_pause_ms is None else sentence_pause_ms
            ),
        )


@dataclass(frozen=True)
class SpeechSettings:
    engines: tuple[str, ...]
    gtts: GttsSettings
    espeak: EspeakSettings

    def for_bulletin(self, override: Any) -> SpeechSettings:
        """The settings one bulletin is spoken with: its ``speech:`` mapping (rate,
        sentence_pause_ms; either may be None) over the configured espeak-ng ones."""
        if override is None:
            return self
        espeak = self.espeak.adjusted(
            rate=override.rate, sentence_pause_ms=override.sentence_pause_ms
        )
        return dataclasses.replace(self, espeak=espeak)


@dataclass(frozen=True)
class MasteringSettings:
    loudness_lufs: float
    true_peak_dbtp: float
    bitrate_kbps: int
    sample_rate: int


@dataclass(frozen=True)
class ProgrammeSettings:
    """How one programme wraps speech: tune, pause, speech, pause, sting."""

    title: str  # Vietnamese programme name, written into the MP3 tags
    intro: Path | None = None  # signature tune (nhạc hiệu); None for none
    outro: Path | None = None  # closing sting
    pause_before_s: float = 0.8
    pause_after_s: float = 1.0
    fade_s: float = 0.02  # at every part's edges, so joins never click


@dataclass(frozen=True)
class ScheduleSettings:
    stations: Path
    campaigns: tuple[Path, ...]


@dataclass(frozen=True)
class PlayoutSettings:
    player: tuple[str, ...]  # argv; "{file}" is replaced by the audio file
    grace_s: float  # an item may still start this late after a restart, logged late
    lease_s: float  # a leader that has not renewed for this long is taken over by a standby


@dataclass(frozen=True)
class PlaylistSettings:
    keep_days: int  # published day folders kept, today included; older ones are removed


@dataclass(frozen=True)
class PanelSettings:
    four_eyes: bool  # whoever last edited a bulletin cannot approve it
    upload_limit_mb: int  # announcer recordings
    session_hours: int  # a login lasts this long at most
    secure_cookies: bool | None  # None: Secure whenever the request came over HTTPS
    trusted_proxies: tuple[str, ...]  # reverse proxies whose X-Forwarded-* are believed
    # Signs the session cookies; every worker of one panel needs the same. Empty: the
    # file below, else <data_dir>/secret_key (made once). Kept out of repr and logs.
    secret_key: str = dataclasses.field(default="", repr=False)
    secret_key_file: Path | None = None


@dataclass(frozen=True)
class DatabasePoolSettings:
    """Connections each process keeps to the database server (not used by SQLite files
    beyond one process): ``size`` kept open, ``overflow`` more at a peak."""

    size: int = 5
    overflow: int = 5
    timeout_s: float = 30.0  # a request waits this long for a free connection, then fails

    def engine_options(self, url: str) -> dict[str, float | int]:
        """Keyword arguments for ``sqlalchemy.create_engine`` on ``url``; none for SQLite,
        whose file is opened by each connection (and ``:memory:`` has a pool of its own)."""
        if url.startswith("sqlite"):
            return {}
        return {
            "pool_size": self.size,
            "max_overflow": self.overflow,
            "pool_timeout": self.timeout_s,
        }


@dataclass(frozen=True)
class LeafletSettings:
    qr_url: str  # an official warning site, printed as a QR code; empty for none


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    database_pool: DatabasePoolSettings
    library_dir: Path
    lexicons: tuple[Path, ...]
    timezone: str
    speech: SpeechSettings
    mastering: MasteringSettings
    programmes: Mapping[str, ProgrammeSettings]
    schedule: ScheduleSettings
    playout: PlayoutSettings
    playlists: PlaylistSettings
    panel: PanelSettings
    leaflet: LeafletSettings

    @property
    def database(self) -> str:
        """The SQLAlchemy URL: SQLite in the data directory unless one is configured."""
        if self.database_url:
            return self.database_url
        from broadcaster.runtime.paths import DataPaths  # the runtime package imports config

        return f"sqlite:///{DataPaths(self.data_dir).database.resolve()}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


@dataclass
class _Layer:
    """One source of settings and how to locate a key in it for messages."""

    data: dict[str, Any]
    source: str
    located: yamlsource.Located | None = None
    base_dir: Path | None = None  # relative paths in a YAML file are relative to it
    variables: dict[tuple[str, ...], str] | None = None  # environment: key path -> variable

    def where(self, path: tuple[str, ...]) -> tuple[str, int | None]:
        if self.variables and path in self.variables:
            return self.variables[path], None
        if self.located is None:
            return self.source, None
        return self.source, self.located.line(*path)


def load_settings(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build validated settings from every layer; raise ConfigError listing all problems."""
    environ = os.environ if environ is None else environ
    problems: list[Problem] = []
    layers = [_yaml_layer(DEFAULTS_FILE, problems)]

    user_file = config_file or (Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None)
    if user_file is None and LOCAL_CONFIG.is_file():
        user_file = LOCAL_CONFIG
    if user_file is not None:
        if not user_file.is_file():
            problems.append(Problem(str(user_file), None, "configuration file not found"))
        else:
            layers.append(_yaml_layer(user_file, problems))
    layers.append(_env_layer(environ, problems))
    if overrides:
        layers.append(_Layer(_nest(overrides), "command-line options"))
    if problems:
        raise ConfigError(problems)

    settings = _convert(Settings, layers, (), problems)
    if settings is not None:
        _check_values(settings, layers, problems)
    if problems:
        raise ConfigError(problems)
    return settings


def _yaml_layer(path: Path, problems: list[Problem]) -> _Layer:
    located = yamlsource.load_file(path)
    problems += located.problems
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        problems.append(Problem(located.source, 1, "expected a mapping of settings"))
        data = {}
    base = None if path == DEFAULTS_FILE else path.parent
    return _Layer(data, located.source, located, base)


def _env_layer(environ: Mapping[str, str], problems: list[Problem]) -> _Layer:
    flat: dict[str, Any] = {}
    variables: dict[tuple[str, ...], str] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV:
            continue
        key = name[len(ENV_PREFIX) :].lower().replace("__", ".")
        located = yamlsource.load_text(raw, name)
        if located.problems:
            problems.append(Problem(name, None, f"cannot parse value {raw!r}"))
            continue
        flat[key] = located.data if raw.strip() else raw
        variables[tuple(key.split("."))] = name
    return _Layer(_nest(flat), "environment", variables=variables)


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """{"speech.espeak.voice": "vi"} -> {"speech": {"espeak": {"voice": "vi"}}}."""
    nested: dict[str, Any] = {}
    for dotted, value in flat.items():
        node = nested
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def _convert(cls: type, layers: list[_Layer], path: tuple[str, ...], problems: list[Problem]):
    """Fill dataclass ``cls`` from the layers' values at ``path``; later layers win."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    for layer in layers:
        section = _get(layer.data, path)
        if section is None:
            continue
        if not isinstance(section, dict):
            problems.append(_problem(layer, path, "expected a mapping"))
            continue
        for key in section:
            if key not in names:
                dotted = ".".join((*path, key))
                problems.append(_problem(layer, (*path, key), f"unknown setting '{dotted}'"))
    values = {}
    for f in fields(cls):
        hint = hints[f.name]
        key_path = (*path, f.name)
        if is_dataclass(hint):
            values[f.name] = _convert(hint, layers, key_path, problems)
            continue
        if typing.get_origin(hint) in (dict, Mapping):
            values[f.name] = _convert_named(hint, layers, key_path, problems)
            continue
        layer, raw = _winning(layers, key_path)
        if layer is None:
            if f.default is MISSING:
                section_layer, _ = _winning(layers, path) if path else (None, None)
                message = f"missing setting '{'.'.join(key_path)}'"
                if section_layer is None:
                    problems.append(Problem("defaults", None, message))
                else:
                    problems.append(_problem(section_layer, path, message))
            continue
        values[f.name] = _coerce(raw, hint, layer, key_path, problems)
    try:
        return cls(**values)
    except TypeError:
        return None  # problems already say why


def _convert_named(hint: Any, layers: list[_Layer], path: tuple[str, ...], problems: list[Problem]):
    """A mapping of name -> dataclass (e.g. programmes), merged key by key across layers."""
    _key_type, item_cls = typing.get_args(hint)
    names: list[str] = []
    for layer in layers:
        section = _get(layer.data, path)
        if section is None:
            continue
        if not isinstance(section, dict):
            problems.append(_problem(layer, path, "expected a mapping of names"))
            continue
        names += [str(name) for name in section if str(name) not in names]
    converted = {name: _convert(item_cls, layers, (*path, name), problems) for name in names}
    return types.MappingProxyType(converted)


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _winning(layers: list[_Layer], path: tuple[str, ...]) -> tuple[_Layer | None, Any]:
    for layer in reversed(layers):
        parent = _get(layer.data, path[:-1])
        if isinstance(parent, dict) and path[-1] in parent:
            return layer, parent[path[-1]]
    return None, None


def _coerce(raw: Any, hint: Any, layer: _Layer, path: tuple[str, ...], problems: list[Problem]):
    name = ".".join(path)
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(hint)
        items = [s.strip() for s in raw.split(",") if s.strip()] if isinstance(raw, str) else raw
        if not isinstance(items, list):
            problems.append(_problem(layer, path, f"'{name}' must be a list"))
            return ()
        return tuple(_coerce(i, item_type, layer, path, problems) for i in items)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in typing.get_args(hint):
            return None
        return _coerce(raw, typing.get_args(hint)[0], layer, path, problems)
    if hint is Path:
        if not isinstance(raw, str) or not raw:
            problems.append(_problem(layer, path, f"'{name}' must be a path"))
            return Path(".")
        value = Path(raw).expanduser()
        if layer.base_dir is not None and not value.is_absolute():
            value = layer.base_dir / value
        return value
    if hint is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw)
    if hint is bool and not isinstance(raw, bool):
        problems.append(_problem(layer, path, f"'{name}' must be true or false, not {raw!r}"))
        return False
    if hint is str and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)
    if not isinstance(raw, hint) or (hint is int and isinstance(raw, bool)):
        kind = {int: "a whole number", float: "a number", str: "text"}.get(hint, hint.__name__)
        problems.append(_problem(layer, path, f"'{name}' must be {kind}, not {raw!r}"))
        return hint()
    return raw


def _problem(layer: _Layer, path: tuple[str, ...], message: str) -> Problem:
    source, line = layer.where(path)
    return Problem(source, line, message)


def _check_values(settings: Settings, layers: list[_Layer], problems: list[Problem]) -> None:
    """Range and vocabulary checks that types alone cannot express.

    A key whose type was already wrong is not reported a second time.
    """
    already = {(p.source, p.line) for p in problems}

    def bad(path: tuple[str, ...], message: str) -> None:
        layer, _ = _winning(layers, path)
        problem = _problem(layer, path, message) if layer else Problem("defaults", None, message)
        if (problem.source, problem.line) not in already:
            problems.append(problem)

    try:
        zoneinfo.ZoneInfo(settings.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        bad(("timezone",), f"unknown time zone '{settings.timezone}'")
    speech = settings.speech
    if not speech.engines:
        bad(("speech", "engines"), "at least one speech engine is needed")
    for engine in speech.engines:
        if engine not in KNOWN_ENGINES:
            known = ", ".join(KNOWN_ENGINES)
            bad(("speech", "engines"), f"unknown speech engine '{engine}' (known: {known})")
    if speech.espeak.voice not in ESPEAK_VOICES:
        known = ", ".join(ESPEAK_VOICES)
        bad(
            ("speech", "espeak", "voice"),
            f"unknown espeak-ng voice '{speech.espeak.voice}' ({known})",
        )
    if not ESPEAK_RATE[0] <= speech.espeak.rate <= ESPEAK_RATE[1]:
        bad(
            ("speech", "espeak", "rate"),
            "'speech.espeak.rate' must be {}..{} words per minute".format(*ESPEAK_RATE),
        )
    if not 0 <= speech.espeak.pitch <= 99:
        bad(("speech", "espeak", "pitch"), "'speech.espeak.pitch' must be 0..99")
    if not SENTENCE_PAUSE_MS[0] <= speech.espeak.sentence_pause_ms <= SENTENCE_PAUSE_MS[1]:
        bad(
            ("speech", "espeak", "sentence_pause_ms"),
            "'speech.espeak.sentence_pause_ms' must be {}..{} ms".format(*SENTENCE_PAUSE_MS),
        )
    if speech.gtts.retries < 0:
        bad(("speech", "gtts", "retries"), "'speech.gtts.retries' cannot be negative")
    if speech.gtts.timeout_s <= 0:
        bad(("speech", "gtts", "timeout_s"), "'speech.gtts.timeout_s' must be positive")
    mastering = settings.mastering
    if not -40 <= mastering.loudness_lufs <= -5:
        bad(("mastering", "loudness_lufs"), "'mastering.loudness_lufs' must be -40..-5 LUFS")
    if not -9 <= mastering.true_peak_dbtp <= 0:
        bad(("mastering", "true_peak_dbtp"), "'mastering.true_peak_dbtp' must be -9..0 dBTP")
    if mastering.bitrate_kbps not in MP3_BITRATES:
        allowed = ", ".join(map(str, MP3_BITRATES))
        bad(("mastering", "bitrate_kbps"), f"'mastering.bitrate_kbps' must be one of {allowed}")
    if mastering.sample_rate not in (22050, 32000, 44100, 48000):
        bad(("mastering", "sample_rate"), "'mastering.sample_rate' must be 22050..48000 Hz")
    if not any("{file}" in arg for arg in settings.playout.player):
        bad(("playout", "player"), "'playout.player' must contain {file} where the file goes")
    if settings.playout.grace_s < 0:
        bad(("playout", "grace_s"), "'playout.grace_s' cannot be negative")
    if settings.playout.lease_s < 1:
        bad(("playout", "lease_s"), "'playout.lease_s' must be at least 1 second")
    if settings.playlists.keep_days < 1:
        bad(("playlists", "keep_days"), "'playlists.keep_days' must be at least 1 (today)")
    if settings.leaflet.qr_url and not settings.leaflet.qr_url.startswith("https://"):
        bad(("leaflet", "qr_url"), "'leaflet.qr_url' must be an https:// address, or empty")
    _check_panel(settings.panel, bad)
    pool = settings.database_pool
    if pool is not None and (pool.size < 1 or pool.overflow < 0 or pool.timeout_s <= 0):
        bad(("database_pool",), "'database_pool' needs size >= 1, overflow >= 0, timeout_s > 0")
    if "default" not in settings.programmes:
        bad(("programmes",), "a programme named 'default' is needed")
    for name, programme in settings.programmes.items():
        if programme is None:
            continue  # its missing fields are already reported
        for key in ("pause_before_s", "pause_after_s", "fade_s"):
            if not 0 <= getattr(programme, key) <= 10:
                bad(("programmes", name, key), f"'programmes.{name}.{key}' must be 0..10 seconds")


def _check_panel(panel: PanelSettings | None, bad) -> None:
    if panel is None:
        return  # its missing fields are already reported
    if not 1 <= panel.session_hours <= 24 * 31:
        bad(("panel", "session_hours"), "'panel.session_hours' must be 1..744 hours")
    for address in panel.trusted_proxies:
        try:
            ipaddress.ip_network(str(address).strip(), strict=False)
        except ValueError:
            bad(
                ("panel", "trusted_proxies"),
                f"'panel.trusted_proxies': '{address}' is not an IP address or network",
            )
    if panel.secret_key and len(panel.secret_key) < 32:
        bad(
            ("panel", "secret_key"),
            "'panel.secret_key' must be at least 32 characters "
            "(make one with: python3 -c 'import secrets; print(secrets.token_hex(32))')",
        )
