"""A private PostgreSQL for the tests: Debian's server binaries, a cluster in a temporary
folder on 127.0.0.1, once per session, and a fresh database per test.

Skipped with the reason when the server is not installed (``scripts/install-system-deps
--for-tests`` installs it, so CI runs these tests). As root, initdb refuses to run:
the cluster then belongs to the ``postgres`` user the package creates (or ``nobody``).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "postgres"  # the cluster's superuser role, whoever owns the files


def server_binaries() -> Path | None:
    """The newest installed server's bin folder (``/usr/lib/postgresql/<major>/bin``)."""
    found = sorted(
        (Path(initdb).parent for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    found = [path for path in found if (path / "pg_ctl").exists()]
    return found[-1] if found else None


@dataclass
class Cluster:
    bin: Path
    data: Path
    port: int
    owner: str | None  # run the server as this user (we are root), or None: as ourselves

    def run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.data.parent)

    def start(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.data.parent} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / "log"),
                 "-o", options, "-w", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """A database restart as a site sees one: every open connection is cut."""
        self.stop()
        self.start()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self, statement: str) -> None:
        import psycopg

        conninfo = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(statement)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _owner() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    pytest.skip("running as root and no 'postgres' or 'nobody' user to own a cluster")


@pytest.fixture(scope="session")
def postgresql_cluster():
    binaries = server_binaries()
    if binaries is None:
        pytest.skip(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
            "run scripts/install-system-deps --for-tests"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]'")
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-pg-"))
    if owner is not None:
        shutil.chown(folder, user=owner)
    cluster = Cluster(binaries, folder / "data", _free_port(), owner)
    cluster.run("initdb", "-D", str(cluster.data), "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture
def postgresql_url(postgresql_cluster: Cluster):
    """A new, empty database on the session's cluster; dropped after the test."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    postgresql_cluster.admin(f"CREATE DATABASE {name}")
    yield postgresql_cluster.url(name)
    postgresql_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The test once on a SQLite file, once on PostgreSQL (skipped when not installed)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'broadcaster.db'}"
    return request.getfixturevalue("postgresql_url")
