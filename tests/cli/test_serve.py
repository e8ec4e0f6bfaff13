"""``broadcaster serve`` as a stranger on the network meets it: a body larger than any
upload is refused before it is received, and a taken port is one error line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from broadcaster import db

MB = 2**20


def _environment(data_dir: Path) -> dict[str, str]:
    # `serve` never makes a schema: the database is there first, as after `db upgrade`.
    db.connect(f"sqlite:///{data_dir / 'broadcaster.db'}").dispose()
    return {**os.environ, "BROADCASTER_DATA_DIR": str(data_dir), "BROADCASTER_CONFIG": ""}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def panel(repo, data_dir):
    """The panel served by waitress in its own process, as in production."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "broadcaster", "serve", "--port", str(port)],
        cwd=repo,
        env=_environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the panel did not start"
                time.sleep(0.2)
        yield port
    finally:
        process.kill()
        process.wait()
        process.stderr.close()


def test_an_oversized_anonymous_post_is_refused_before_its_body_arrives(panel):
    declared = 300 * MB  # the default upload limit is 50 MB
    with socket.create_connection(("127.0.0.1", panel), timeout=10) as client:
        client.sendall(
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {declared}\r\n\r\n".encode()
        )
        # Not a byte of the body: the answer must come from the headers alone (sending
        # some would race the server closing the connection after its answer).
        answer = client.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_port_already_in_use_is_one_error_line(repo, data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "broadcaster", "serve", "--port", str(port)],
            cwd=repo,
            env=_environment(data_dir),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == f"error: cannot serve on 127.0.0.1:{port}: Address already in use\n"
