"""Panel passwords: long enough, not one key held down, not on every guessing list."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster import accounts, db
from broadcaster.accounts import AccountError, Role, password_problems
from broadcaster.accounts.passwords import common_passwords
from broadcaster.cli.users import DEMO_PASSWORD

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def codes(password: str) -> list[str]:
    return [p.code for p in password_problems(password)]


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("aaaaaaaa", "one_character"),
        ("0000000000", "one_character"),
        (" " * 8, "blank"),
        ("\t \t \t \t", "blank"),
        ("12345678", "common"),
        ("123456789", "common"),
        ("matkhau123", "common"),
        ("MatKhau123", "common"),
        ("anhyeuem", "common"),
        ("iloveyou", "common"),
        (" password1 ", "common"),
        ("qwertyuiop", "common"),
        ("ngan", "too_short"),
        ("x" * 1025, "too_long"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert codes(password) == [code]


@pytest.mark.parametrize(
    "password",
    [
        DEMO_PASSWORD,  # `broadcaster user demo`, printed in the README
        "mat-khau-demo",  # the tests' accounts
        "mat-khau-dai",
        "doi-mat-khau-2",
        "Loa phường Cổ Am 2026",
        "ab" * 512,  # the longest allowed
    ],
)
def test_ordinary_passwords_pass(password):
    assert codes(password) == []


def test_the_shipped_list_holds_the_usual_suspects():
    common = common_passwords()
    assert 300 <= len(common) <= 2000
    assert {"matkhau", "123456789", "iloveyou", "anhyeuem", "password", "qwerty123"} <= common


def test_accounts_refuse_a_weak_password_in_english_with_codes(data_dir):
    engine = db.connect(f"sqlite:///{data_dir / 'broadcaster.db'}")
    with pytest.raises(AccountError, match="one of the most common passwords") as refused:
        accounts.add_user(
            engine, username="canbo", full_name="A", password="12345678", role=Role.STAFF, now=NOW
        )
    assert refused.value.codes == ("common",)
    accounts.add_user(
        engine, username="canbo", full_name="A", password="mat-khau-demo", role=Role.STAFF, now=NOW
    )
    with pytest.raises(AccountError, match="one character repeated"):
        accounts.set_password(engine, "canbo", "aaaaaaaa")
    assert accounts.authenticate(engine, "canbo", "mat-khau-demo") is not None
