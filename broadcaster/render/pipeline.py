"""Render the library: spoken text -> speech -> mastered MP3, listed in the manifest.

Planning (which bulletins need work, and the key that says whether their audio
is still current) is pure and happens in the parent; the work itself runs in a
process pool, one bulletin per task, because synthesis and encoding are
CPU-bound and independent.

Speech and mastering (numpy, scipy, gTTS: about a second of imports) are imported
when a bulletin needs work, so the daily re-render of an unchanged library answers
at once.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from broadcaster.children import die_with_parent
from broadcaster.config import MasteringSettings, ProgrammeSettings, Settings, SpeechSettings
from broadcaster.errors import BroadcasterError, RenderError
from broadcaster.library.bulletins import Bulletin, Kind, Priority
from broadcaster.normalize import Lexicon, normalize
from broadcaster.render.manifest import (
    RenderRecord,
    file_sha256,
    is_intact,
    load_manifest,
    sweep_temporaries,
    update_manifest,
)
from broadcaster.runtime.clock import Clock
from broadcaster.runtime.paths import DataPaths

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt(3) parameters, from glibc's malloc.h


@dataclass(frozen=True)
class RenderJob:
    """Everything one worker needs; plain and picklable."""

    bulletin: Bulletin
    spoken_text: str
    programme_name: str
    programme: ProgrammeSettings
    render_key: str
    # The current render made from the same inputs, when it is intact but came
    # from a fallback engine: the preferred engine is tried again, and if the
    # same speech comes back the existing file is kept rather than re-mastered.
    previous: RenderRecord | None = None


@dataclass(frozen=True)
class Outcome:
    bulletin_id: str
    status: str  # "rendered" | "unchanged" | "failed"
    record: RenderRecord | None = None
    error: str = ""
    synthesised: bool = False


@dataclass(frozen=True)
class RenderReport:
    outcomes: tuple[Outcome, ...]
    manifest: Path

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def synthesis_calls(self) -> int:
        return sum(1 for o in self.outcomes if o.synthesised)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def programme_for(bulletin: Bulletin, settings: Settings) -> tuple[str, ProgrammeSettings]:
    """The programme that wraps a bulletin.

    An emergency gets the emergency programme (an alert chime) when one exists.
    A session's opening starts with the signature tune and leads straight into
    the first bulletin; its closing ends on the sting: neither gets both.
    """
    name = "default"
    if bulletin.priority is Priority.KHAN_CAP and "khan_cap" in settings.programmes:
        name = "khan_cap"
    programme = settings.programmes[name]
    if bulletin.kind is Kind.OPENING:
        programme = dataclasses.replace(programme, outro=None)
    elif bulletin.kind is Kind.CLOSING:
        programme = dataclasses.replace(programme, intro=None)
    return name, programme


def plan_jobs(
    bulletins: Iterable[Bulletin], settings: Settings, lexicon: Lexicon
) -> list[RenderJob]:
    jobs = []
    for bulletin in bulletins:
        name, programme = programme_for(bulletin, settings)
        spoken = normalize(bulletin.body, lexicon)
        key = render_key(bulletin, spoken, programme, settings.speech, settings.mastering)
        jobs.append(RenderJob(bulletin, spoken, name, programme, key))
    return jobs


def render_key(
    bulletin: Bulletin,
    spoken: str,
    programme: ProgrammeSettings,
    speech: SpeechSettings,
    mastering: MasteringSettings,
) -> str:
    """A hash of every input that shapes the audio: change any, and the audio is redone.

    The engines' order is left out on purpose: which engine spoke is recorded
    in the render itself, so rendering with ``--engine espeak`` and viewing with
    the default ``[gtts, espeak]`` agree that nothing changed (render_library
    still retries the preferred engine when another one spoke).
    """

    def file_hash(path: Path | None) -> str | None:
        return file_sha256(path) if path is not None and path.is_file() else None

    speech = speech.for_bulletin(bulletin.speech)  # its own rate and sentence pause
    inputs = {
        "spoken": spoken,
        "title": bulletin.title,
        "voice": bulletin.voice,
        "recording": file_hash(bulletin.recording),
        "speech": {
            "gtts": {"tld": speech.gtts.tld, "slow": speech.gtts.slow},
            "espeak": dataclasses.asdict(speech.espeak),
        },
        "mastering": dataclasses.asdict(mastering),
        "programme": {
            **dataclasses.asdict(programme),
            "intro": file_hash(programme.intro),
            "outro": file_hash(programme.outro),
        },
    }
    blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def render_library(
    bulletins: Iterable[Bulletin],
    *,
    settings: Settings,
    lexicon: Lexicon,
    workers: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
    clock: Clock,
) -> RenderReport:
    """Render what changed, keep what did not, and update the manifest once at the end.

    ``clock`` dates each render (its tags and the manifest); workers get a copy.
    """
    data_dir = settings.data_dir
    paths = DataPaths(data_dir)
    _check_assets(settings)
    sweep_temporaries(data_dir)  # what a render killed mid-write left behind
    records = load_manifest(data_dir)
    jobs = plan_jobs(bulletins, settings, lexicon)
    outcomes: list[Outcome] = []
    pending: list[RenderJob] = []
    for job in jobs:
        previous = records.get(job.bulletin.id)
        current = (
            previous is not None
            and previous.render_key == job.render_key
            and is_intact(data_dir, previous)
        )
        preferred = previous is not None and previous.engine in (
            settings.speech.engines[0],
            "recorded",
        )
        if current and preferred and not previous.fallback:
            outcome = Outcome(job.bulletin.id, "unchanged", previous)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
        else:
            pending.append(dataclasses.replace(job, previous=previous if current else None))

    if pending:
        from broadcaster.mastering.encode import codec_gain_db

        # Measured once here rather than in every worker, which inherit it when forked.
        codec_gain_db(settings.mastering.sample_rate, settings.mastering.bitrate_kbps)
        workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
        args = (settings.speech, settings.mastering, paths, clock)
        if workers == 1:
            results = (render_one(job, *args) for job in pending)
            for outcome in results:
                outcomes.append(outcome)
                if progress:
                    progress(outcome)
        else:
            with ProcessPoolExecutor(
                max_workers=workers,
                # Forked, so that workers are this process's children and inherit the
                # codec gain measured above.
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            ) as pool:
                futures = [pool.submit(render_one, job, *args) for job in pending]
                for future in as_completed(futures):
                    outcome = future.result()
                    outcomes.append(outcome)
                    if progress:
                        progress(outcome)

    made = {o.bulletin_id: o.record for o in outcomes if o.status == "rendered"}
    manifest = update_manifest(data_dir, made)
    order = {job.bulletin.id: index for index, job in enumerate(jobs)}
    outcomes.sort(key=lambda o: order[o.bulletin_id])
    return RenderReport(tuple(outcomes), manifest)


def _start_worker(parent_pid: int) -> None:
    # A worker outliving a killed command or panel would render on for nothing.
    die_with_parent(parent_pid)
    _reuse_freed_memory()


def _reuse_freed_memory() -> None:
    """Keep a worker's freed arrays for its next bulletin instead of giving them back.

    Mastering makes a dozen arrays of some 18 MB per bulletin. Above its mmap
    threshold glibc maps each afresh and unmaps it when freed, so every bulletin
    pays again for the kernel to fault in and zero every page: about a tenth of
    mastering's own time. Workers are short-lived, so holding their peak is cheap.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc: leave the allocator as it is
    libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20)  # glibc's largest: all our arrays are below
    libc.mallopt(M_TRIM_THRESHOLD, 2**31 - 1)


def _check_assets(settings: Settings) -> None:
    missing = [
        f"programmes.{name}.{part}: {path} not found"
        for name, programme in settings.programmes.items()
        for part, path in (("intro", programme.intro), ("outro", programme.outro))
        if path is not None and not path.is_file()
    ]
    if missing:
        raise RenderError(
            "sound assets missing (run scripts/make_sound_assets.py, or fix the config):\n  "
            + "\n  ".join(missing)
        )


def render_one(
    job: RenderJob,
    speech_settings: SpeechSettings,
    mastering: MasteringSettings,
    paths: DataPaths,
    clock: Clock,
) -> Outcome:
    """Speak and master one bulletin; a failure is an Outcome, so the others go on."""
    from broadcaster import speech as speech_stage
    from broadcaster.mastering import Tags, master

    bulletin = job.bulletin
    rendered_at = clock.now()
    try:
        if bulletin.recording is not None:
            spoken = speech_stage.speak_recording(bulletin.recording, job.spoken_text)
        else:
            spoken = speech_stage.speak(
                job.spoken_text,
                engines=speech_stage.build_engines(speech_settings.for_bulletin(bulletin.speech)),
                cache=speech_stage.SpeechCache(paths.speech_cache),
                voice=bulletin.voice,
            )
        previous = job.previous
        if previous and (previous.engine, previous.voice, previous.text_hash) == (
            spoken.engine,
            spoken.voice,
            spoken.text_hash,
        ):
            return Outcome(bulletin.id, "unchanged", previous, synthesised=not spoken.cached)
        tags = Tags(
            title=bulletin.title,
            bulletin_id=bulletin.id,
            programme=job.programme.title,
            render_date=rendered_at.date(),
            engine=spoken.engine,
            voice=spoken.voice,
        )
        mastered = master(
            spoken.path,
            programme=job.programme,
            settings=mastering,
            tags=tags,
            out_dir=paths.renders,
        )
    except BroadcasterError as exc:
        return Outcome(bulletin.id, "failed", error=str(exc))
    record = RenderRecord(
        bulletin_id=bulletin.id,
        file=mastered.path.name,
        sha256=mastered.sha256,
        duration_s=round(mastered.duration_s, 3),
        speech_duration_s=round(mastered.speech_duration_s, 3),
        loudness_lufs=round(mastered.loudness_lufs, 2),
        true_peak_dbtp=round(mastered.true_peak_dbtp, 2),
        engine=spoken.engine,
        voice=spoken.voice,
        fallback=spoken.fallback,
        text_hash=spoken.text_hash,
        render_key=job.render_key,
        programme=job.programme_name,
        rendered_at=rendered_at.isoformat(timespec="seconds"),
        failures=tuple(spoken.failures),
    )
    return Outcome(bulletin.id, "rendered", record, synthesised=not spoken.cached)
