"""Speech: spoken text in, an audio file out, through the engines in their configured order.

The first engine is the voice we want (gTTS); later ones are fallbacks that
still get the bulletin on air (espeak-ng, offline). The preferred engine's
cached speech wins over a fallback's, so speech made offline is replaced by
the better voice as soon as that engine works again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from broadcaster.config import SpeechSettings
from broadcaster.errors import EngineError, ToolMissing
from broadcaster.speech.base import Speech, SpeechEngine, sha256_text
from broadcaster.speech.cache import SpeechCache
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.gtts_engine import GttsEngine
from broadcaster.speech.recorded import check_recording, speak_recording

__all__ = [
    "ENGINES",
    "Speech",
    "SpeechCache",
    "SpeechEngine",
    "build_engines",
    "check_recording",
    "speak",
    "speak_recording",
]

ENGINES: dict[str, Callable[..., SpeechEngine]] = {
    "gtts": lambda settings, sleep: GttsEngine(settings.gtts, sleep=sleep),
    "espeak": lambda settings, sleep: EspeakEngine(settings.espeak),
}


def build_engines(
    settings: SpeechSettings, *, sleep: Callable[[float], None] = time.sleep
) -> list[SpeechEngine]:
    """The engines named in ``speech.engines``, in that order."""
    engines = []
    for name in settings.engines:
        if name not in ENGINES:
            raise EngineError(f"unknown speech engine '{name}' (known: {', '.join(ENGINES)})")
        engines.append(ENGINES[name](settings, sleep))
    return engines


def speak(
    text: str,
    *,
    engines: Sequence[SpeechEngine],
    cache: SpeechCache,
    voice: str | None = None,
) -> Speech:
    """Speech for ``text`` from the first engine that can give it, cached or fresh.

    Each engine in turn: its cached speech if any, else a new synthesis. An
    engine that fails, or does not have the requested voice, is noted in
    ``Speech.failures`` and the next one is tried; EngineError if none succeeds.
    ``fallback`` means a better engine could have spoken and failed: a bulletin
    asking for an espeak-ng voice is not a fallback, as no retry would improve it.
    """
    if not text.strip():
        raise EngineError("nothing to speak: the text is empty")
    if not engines:
        raise EngineError("no speech engine is configured")
    able = [e for e in engines if voice is None or voice in e.voices]
    if not able:
        known = "; ".join(f"{e.name} voices: {', '.join(e.voices)}" for e in engines)
        raise EngineError(f"unknown voice '{voice}' ({known})")
    failures: list[str] = []
    for engine in engines:
        try:
            chosen = engine.voice(voice)
            path = cache.lookup(engine, chosen, text)
            cached = path is not None
            if path is None:
                path = cache.fill(engine, chosen, text)
        except EngineError as exc:
            failures.append(str(exc))
            continue
        except ToolMissing as exc:
            failures.append(f"{engine.name}: {exc}")
            continue
        return Speech(
            path=path,
            engine=engine.name,
            voice=chosen,
            fallback=engine is not able[0],
            cached=cached,
            text_hash=sha256_text(text),
            failures=tuple(failures),
        )
    reasons = "\n".join(f"  {reason}" for reason in failures)
    raise EngineError(f"no speech engine could speak the text:\n{reasons}")
