"""``broadcaster doctor``: is this machine ready to render and air bulletins?

Each check is a plain function returning a :class:`Check`; the CLI prints them
as a table and fails when a required one does not pass.
"""

from __future__ import annotations

import enum
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy.exc import SQLAlchemyError

from broadcaster.airplan.store import is_planned
from broadcaster.playout import lease
from broadcaster.playout.player import command
from broadcaster.runtime import Runtime
from broadcaster.speech.espeak import VOICES as ESPEAK_VOICES

APT_HINT = "install it with: sudo apt-get install {package}"


class Status(enum.StrEnum):
    OK = "ok"
    WARN = "warn"  # works without it, with less
    MISSING = "MISSING"  # required and absent: nothing can be rendered or aired


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    @property
    def failed(self) -> bool:
        return self.status is Status.MISSING


def run_checks(runtime: Runtime) -> list[Check]:
    settings = runtime.settings
    return [
        check_program("ffmpeg", "ffmpeg"),
        check_program("ffprobe", "ffmpeg"),
        check_program("espeak-ng", "espeak-ng"),
        check_espeak_voices(),
        check_gtts(settings.speech.gtts.tld, timeout_s=3.0),
        check_data_dir(settings.data_dir),
        check_player(settings.playout.player),
        check_today_planned(runtime),
        check_playout_leader(runtime),
    ]


def check_today_planned(runtime: Runtime) -> Check:
    """A day with no stored plan airs nothing unless the playout daemon plans it itself."""
    name = "today's plan"
    today = runtime.clock.today()
    try:
        planned = is_planned(runtime.engine, today)
    except (SQLAlchemyError, OSError) as error:
        return Check(name, Status.MISSING, f"the database cannot be read: {error}")
    if planned:
        return Check(name, Status.OK, f"stored for {today}")
    return Check(
        name,
        Status.WARN,
        f"no plan stored for {today}: run broadcaster plan (the playout daemon plans it "
        "from the approved audio when it finds none)",
    )


def check_playout_leader(runtime: Runtime) -> Check:
    """Which daemon plays each station (one leads, others stand by), from the leases."""
    name = "playout leader"
    try:
        held = lease.holdings(runtime.engine)
    except (SQLAlchemyError, OSError) as error:
        return Check(name, Status.MISSING, f"the database cannot be read: {error}")
    if not held:
        return Check(name, Status.WARN, "no playout daemon has run yet (broadcaster playout)")
    now, zone = runtime.clock.now(), runtime.settings.zone
    said, lapsed = [], False
    for row in held:
        if row.expires_at > now:
            since = row.acquired_at.astimezone(zone)
            said.append(f"{row.station_id}: {row.holder} since {since:%Y-%m-%d %H:%M:%S}")
        else:
            lapsed = True
            ended = row.expires_at.astimezone(zone)
            said.append(f"{row.station_id}: none (lease of {row.holder} ended {ended:%H:%M:%S})")
    return Check(name, Status.WARN if lapsed else Status.OK, "; ".join(said))


def check_program(program: str, package: str) -> Check:
    path = shutil.which(program)
    if path is None:
        return Check(program, Status.MISSING, f"not found; {APT_HINT.format(package=package)}")
    version = _first_line([path, "-version" if program.startswith("ff") else "--version"])
    if version is None:
        return Check(program, Status.MISSING, f"{path} does not run; reinstall {package}")
    return Check(program, Status.OK, version)


def check_espeak_voices() -> Check:
    name = "espeak-ng Vietnamese voices"
    path = shutil.which("espeak-ng")
    if path is None:
        return Check(name, Status.MISSING, APT_HINT.format(package="espeak-ng"))
    listing = _run([path, "--voices=vi"]) or ""
    found = {line.split()[1] for line in listing.splitlines()[1:] if len(line.split()) > 1}
    missing = [v for v in ESPEAK_VOICES if v not in found]
    if missing:
        hint = APT_HINT.format(package="espeak-ng-data")
        return Check(name, Status.MISSING, f"missing {', '.join(missing)}; {hint}")
    return Check(name, Status.OK, ", ".join(ESPEAK_VOICES))


def check_gtts(tld: str, *, timeout_s: float) -> Check:
    """Google's endpoint is optional: without it the offline voice speaks."""
    url = f"https://translate.google.{tld}/"
    name = "gTTS endpoint"
    try:
        response = requests.head(url, timeout=timeout_s, allow_redirects=True)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        return Check(name, Status.WARN, f"{url} unreachable ({reason}); espeak-ng will speak")
    if response.status_code >= 500 or response.status_code == 429:
        return Check(name, Status.WARN, f"{url} answered HTTP {response.status_code}")
    return Check(name, Status.OK, f"{url} reachable")


TONE_S = 2.0


def check_player(player: Sequence[str]) -> Check:
    """Play a two-second tone through the configured player: it must take the tone's time.

    A player that cannot open the sound device and exits at once (ffplay does, with
    status 0) would have the daemon log a whole slot aired in two seconds.
    """
    name = "player"
    program = player[0] if player else "(none)"
    with tempfile.TemporaryDirectory(prefix="broadcaster-doctor-") as folder:
        tone = Path(folder) / "tone.wav"
        made = _run(
            ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
             f"sine=frequency=440:duration={TONE_S:g}", "-ac", "1", "-y", str(tone)]
        )  # fmt: skip
        if made is None or not tone.is_file():
            return Check(name, Status.MISSING, "ffmpeg is needed to make the test tone")
        started = time.monotonic()
        try:
            done = subprocess.run(
                command(player, tone),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=TONE_S + 15,
                check=False,
            )
        except FileNotFoundError:
            return Check(name, Status.MISSING, f"{program} not found (playout.player)")
        except subprocess.TimeoutExpired:
            return Check(name, Status.MISSING, f"{program} did not end a {TONE_S:g} s tone")
        elapsed = time.monotonic() - started
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    # The line that names the device, if the player wrote one (ALSA writes many).
    telling = [line for line in said if "audio" in line.lower() and "device" in line.lower()]
    words = f": {(telling or said)[-1][:160]}" if said else ""
    if done.returncode != 0:
        return Check(name, Status.MISSING, f"{program} exited with {done.returncode}{words}")
    if elapsed < 0.9 * TONE_S:
        return Check(
            name,
            Status.MISSING,
            f"{program} ended a {TONE_S:g} s tone after {elapsed:.1f} s: it did not play "
            f"in real time (no sound device?){words}",
        )
    return Check(name, Status.OK, f"{program} played a {TONE_S:g} s tone in {elapsed:.1f} s")


def check_data_dir(data_dir: Path) -> Check:
    name = "data directory"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return Check(name, Status.MISSING, f"{data_dir} is not writable: {reason}")
    return Check(name, Status.OK, f"{data_dir} is writable")


def _run(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def _first_line(argv: list[str]) -> str | None:
    output = _run(argv)
    if output is None:
        return None
    lines = output.strip().splitlines()
    return lines[0][:70] if lines else ""
