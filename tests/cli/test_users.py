"""``broadcaster user``: weak passwords refused in English; a change ends panel sessions."""

from __future__ import annotations

import pytest

from broadcaster import accounts, db
from broadcaster.config import load_settings

ADD = ("user", "add", "canbo", "--full-name", "Trần Thị Biên", "--role", "staff")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "password is one of the most common passwords"),
        ("anhyeuem", "password is one of the most common passwords"),
        ("aaaaaaaa", "password cannot be one character repeated"),
        ("        ", "password cannot be only spaces"),
    ],
)
def test_a_weak_password_is_an_error_line(run_cli, password, message):
    result = run_cli(*ADD, "--password-stdin", input=f"{password}\n")
    assert result.exit_code == 1 and f"error: {message}" in result.output


def test_passwd_and_disable_end_the_panel_sessions(run_cli, data_dir):
    assert run_cli(*ADD, "--password-stdin", input="mat-khau-demo\n").exit_code == 0
    engine = db.connect(load_settings(environ={"BROADCASTER_DATA_DIR": str(data_dir)}).database)
    before = accounts.get_user(engine, 1).session_version
    changed = run_cli("user", "passwd", "canbo", "--password-stdin", input="doi-mat-khau-2\n")
    assert "panel sessions have ended" in changed.output
    after_passwd = accounts.get_user(engine, 1).session_version
    assert "panel sessions have ended" in run_cli("user", "disable", "canbo").output
    assert before < after_passwd < accounts.get_user(engine, 1).session_version
