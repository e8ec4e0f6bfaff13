"""What a panel password must be: long enough, not one key held down, not a common one.

The panel is on a network and an account can approve what a commune airs, so a
password guessed from a short list is an account lost. The rules follow NIST
SP 800-63B: a minimum length (8: operators type it on shared commune PCs, and the
login throttle and scrypt hashes make each online guess slow), no composition
rules, and a refusal of the passwords every guessing list starts with
(``common-passwords.txt`` beside this module, Vietnamese favourites included).

Each problem has a code the panel translates and an English message for the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 1024  # long passphrases are welcome; megabytes are not worth hashing
COMMON_FILE = Path(__file__).with_name("common-passwords.txt")


@dataclass(frozen=True)
class PasswordProblem:
    code: str  # too_short | too_long | blank | one_character | common
    message: str  # English, for the CLI and the logs


def password_problems(password: str) -> list[PasswordProblem]:
    """Every reason to refuse ``password`` as a new password; empty when it is fine."""
    if len(password) > MAX_LENGTH:
        return [PasswordProblem("too_long", f"password must have at most {MAX_LENGTH} characters")]
    if not password.strip():
        return [PasswordProblem("blank", "password cannot be only spaces")]
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(
            PasswordProblem("too_short", f"password must have at least {MIN_LENGTH} characters")
        )
    if len(set(password)) == 1:
        problems.append(
            PasswordProblem("one_character", "password cannot be one character repeated")
        )
    elif _normal(password) in common_passwords():
        problems.append(
            PasswordProblem(
                "common", "password is one of the most common passwords; choose another"
            )
        )
    return problems


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_normal(line) for line in lines if line.strip() and not line.startswith("#"))


def _normal(password: str) -> str:
    return password.strip().casefold()
