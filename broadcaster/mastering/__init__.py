"""Mastering: speech -> an airable MP3 segment at a fixed loudness and true-peak ceiling.

One call, :func:`master`, does the whole stage: decode the speech, trim its
padding, wrap it in the programme's tune and sting, normalise loudness
(ITU-R BS.1770) under a true-peak limiter, encode, then decode the MP3 and
measure it again, because the encoder shifts peaks. A file that misses the
target is corrected once; if it still misses, nothing is written and
RenderError says why. Decoding is in-process (libsndfile, ffmpeg for the formats
it lacks); ffmpeg's LAME encodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from broadcaster.config import MasteringSettings, ProgrammeSettings
from broadcaster.errors import RenderError, path_label
from broadcaster.mastering.assemble import lay_out, prepare_speech
from broadcaster.mastering.decode import decode_file, load_tune
from broadcaster.mastering.encode import (
    Tags,
    check_bulletin_id,
    codec_gain_db,
    encode_mp3,
    publish,
    temporary_file,
    write_tags,
)
from broadcaster.mastering.limiter import normalise
from broadcaster.mastering.loudness import (
    ABSOLUTE_GATE_LUFS,
    Measured,
    db,
    integrated_loudness,
    true_peak,
)

__all__ = ["Mastered", "Tags", "master"]

MIN_SPEECH_S = 0.3
CODEC_HEADROOM_DB = 0.8  # MP3 encoding raises peaks by up to ~0.6 dB: limit this far below
CODEC_MARGIN_DB = 0.2  # extra room taken when a first encode still overshot
FIRST_TRY_LU = 0.3  # a first encode further off than this is corrected once
TOLERANCE_LU = 1.0  # never publish a file further off than this


@dataclass(frozen=True)
class Mastered:
    """The published file and what it measured after decoding."""

    path: Path
    sha256: str
    duration_s: float
    speech_duration_s: float  # after trimming the engine's leading and trailing silence
    loudness_lufs: float
    true_peak_dbtp: float


@dataclass(frozen=True)
class _Encoded:
    """What the MP3 in the temporary file decodes to."""

    samples: int
    lufs: float
    true_peak_dbtp: float


def master(
    speech: Path,
    *,
    programme: ProgrammeSettings,
    settings: MasteringSettings,
    tags: Tags,
    out_dir: Path,
) -> Mastered:
    """Master ``speech`` into ``out_dir/<bulletin_id>-<sha12>.mp3`` and describe the result.

    RenderError (and no file) for empty, silent or too short speech and for a
    target the encoder cannot meet; AudioError for unreadable input or tunes.
    """
    check_bulletin_id(tags.bulletin_id)
    rate = settings.sample_rate
    label = path_label(speech)
    if speech.is_file() and speech.stat().st_size == 0:
        raise RenderError(f"{label}: the speech file is empty")
    voice = prepare_speech(decode_file(speech, rate), rate, programme.fade_s)
    if voice.lufs < ABSOLUTE_GATE_LUFS:
        raise RenderError(f"{label}: the speech is silent")
    speech_samples = len(voice.samples)
    if speech_samples < MIN_SPEECH_S * rate:
        raise RenderError(f"{label}: only {speech_samples / rate:.2f} s of speech")

    intro = load_tune(programme.intro, rate) if programme.intro else None
    outro = load_tune(programme.outro, rate) if programme.outro else None
    whole = lay_out(voice, intro=intro, outro=outro, programme=programme, rate=rate)
    temp = temporary_file(out_dir)
    try:
        encoded = _encode_on_target(whole, temp, settings, label)
        if encoded.samples < speech_samples:
            raise RenderError(f"{label}: the encoded segment came out shorter than its speech")
        write_tags(temp, tags)
        path, sha256 = publish(temp, out_dir, tags.bulletin_id)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return Mastered(
        path=path,
        sha256=sha256,
        duration_s=encoded.samples / rate,
        speech_duration_s=speech_samples / rate,
        loudness_lufs=encoded.lufs,
        true_peak_dbtp=encoded.true_peak_dbtp,
    )


def _encode_on_target(
    whole: Measured, temp: Path, settings: MasteringSettings, label: str
) -> _Encoded:
    """Normalise, limit, encode into ``temp`` and check the decoded MP3; correct once.

    The correction aims off by what the codec shifted (loudness) and takes more
    headroom by what it overshot (peaks); both are measured, not guessed.
    """
    rate, target, ceiling = settings.sample_rate, settings.loudness_lufs, settings.true_peak_dbtp
    codec_db = codec_gain_db(rate, settings.bitrate_kbps)
    aim, headroom = target - codec_db, CODEC_HEADROOM_DB
    for tolerance in (FIRST_TRY_LU, TOLERANCE_LU):
        out = normalise(
            whole.samples,
            rate,
            lufs=aim,
            ceiling_dbtp=ceiling - headroom - codec_db,
            power=whole.power,
        )
        encode_mp3(out, rate=rate, bitrate_kbps=settings.bitrate_kbps, dest=temp)
        decoded = decode_file(temp, rate)
        lufs, peak = integrated_loudness(decoded, rate), db(true_peak(decoded))
        if abs(lufs - target) <= tolerance and peak <= ceiling:
            return _Encoded(len(decoded), lufs, peak)
        aim += target - lufs
        if peak > ceiling:
            headroom += peak - ceiling + CODEC_MARGIN_DB
    raise RenderError(
        f"{label}: cannot master to {target:g} LUFS under {ceiling:g} dBTP "
        f"(got {lufs:.1f} LUFS, {peak:.1f} dBTP); lower mastering.loudness_lufs"
    )
