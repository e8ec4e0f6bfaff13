"""Where everything lives under the data directory: the only place that knows the layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def renders(self) -> Path:
        """Mastered MP3s, content-addressed, and their manifest."""
        return self.root / "renders"

    @property
    def manifest(self) -> Path:
        return self.renders / "manifest.json"

    @property
    def manifest_lock(self) -> Path:
        return self.renders / ".manifest.lock"

    @property
    def speech_cache(self) -> Path:
        return self.root / "cache" / "speech"

    @property
    def playlists(self) -> Path:
        """One folder per day, one per station inside it."""
        return self.root / "playlists"

    @property
    def database(self) -> Path:
        """The embedded SQLite database, when no ``database_url`` is set."""
        return self.root / "broadcaster.db"

    @property
    def staff_lexicon(self) -> Path:
        """Abbreviations staff add from the panel, loaded over the shipped lexicon."""
        return self.root / "lexicon-staff.yaml"

    @property
    def secret_key(self) -> Path:
        """The panel's session key, kept so that sessions survive a restart."""
        return self.root / "secret_key"

    @property
    def kept_forms(self) -> Path:
        """Refused panel forms too long for the session cookie, kept until the next GET."""
        return self.root / "kept-forms"

    def playout_lock(self, station_id: str) -> Path:
        return self.root / f"playout-{station_id}.lock"
