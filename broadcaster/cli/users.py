"""``broadcaster user ...``: panel accounts from the command line.

The accounts module is imported inside each command (it loads SQLAlchemy), so that
``broadcaster --help`` stays quick; see :mod:`broadcaster.cli.rules`.
"""

from __future__ import annotations

import click

from broadcaster.cli.support import (
    EnumChoice,
    UserError,
    format_table,
    operating_user,
    pass_runtime,
)


@click.group()
def user() -> None:
    """Panel accounts: add, change password, disable."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return click.get_text_stream("stdin").readline().rstrip("\r\n")
    return click.prompt("password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("username")
@click.option("--full-name", required=True, help="Shown in the panel and the logs.")
@click.option("--role", type=EnumChoice("broadcaster.accounts:Role"), required=True)
@click.option("--station", "station_id", help="An operator's station id.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_runtime
def user_add(lazy, username, full_name, role, station_id, password_stdin) -> None:
    from broadcaster import accounts

    runtime = lazy.get()
    if station_id and runtime.schedule().station(station_id) is None:
        raise UserError(f"no station '{station_id}' in {runtime.settings.schedule.stations}")
    created = accounts.add_user(
        runtime.engine,
        username=username,
        full_name=full_name,
        password=_read_password(password_stdin),
        role=accounts.Role(role),
        station_id=station_id,
        now=runtime.clock.now(),
    )
    detail = f"vai trò {created.role.label}" + (f", đài {station_id}" if station_id else "")
    _audit(runtime, "add_user", created.username, detail)
    click.echo(f"added {created.username} ({created.role.value})")


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_runtime
def user_passwd(lazy, username, password_stdin) -> None:
    from broadcaster import accounts

    runtime = lazy.get()
    accounts.set_password(runtime.engine, username, _read_password(password_stdin))
    _audit(runtime, "reset_password", username, "đặt lại mật khẩu (dòng lệnh)")
    click.echo(f"password changed for {username}; their panel sessions have ended")


@user.command("disable")
@click.argument("username")
@pass_runtime
def user_disable(lazy, username) -> None:
    from broadcaster import accounts

    runtime = lazy.get()
    accounts.set_active(runtime.engine, username, False)
    _audit(runtime, "disable_user", username)
    click.echo(f"disabled {username}; their panel sessions have ended")


def _audit(runtime, action: str, target: str, detail: str = "") -> None:
    """Accounts changed from a terminal are in the audit trail like the admin page's."""
    from broadcaster import audit

    entry = audit.Entry(runtime.clock.now(), operating_user(), action, target, detail)
    audit.log(runtime.engine, entry)


DEMO_PASSWORD = "demo-2026"
DEMO_ACCOUNTS = (  # username, full name, role, station
    ("canbo", "Cán bộ Trung tâm (demo)", "staff", None),
    ("xa-tam-cuong", "Cán bộ đài xã Tam Cường (demo)", "operator", "tam-cuong"),
    ("tt-vinh-bao", "Cán bộ đài thị trấn Vĩnh Bảo (demo)", "operator", "tt-vinh-bao"),
    ("lanhdao", "Lãnh đạo UBND (demo)", "leader", None),
    ("quantri", "Quản trị viên (demo)", "admin", None),
)


@user.command("demo")
@pass_runtime
def user_demo(lazy) -> None:
    """Create one demo account per role (if missing) and print how to log in."""
    from broadcaster import accounts

    runtime = lazy.get()
    existing = {u.username for u in accounts.list_users(runtime.engine)}
    now = runtime.clock.now()
    rows = []
    for username, full_name, role, station_id in DEMO_ACCOUNTS:
        if username not in existing:
            accounts.add_user(
                runtime.engine,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                role=accounts.Role(role),
                station_id=station_id,
                now=now,
            )
        rows.append((username, DEMO_PASSWORD, role, station_id or ""))
    click.echo("demo accounts (change or disable them before real use):")
    click.echo(format_table(("username", "password", "role", "station"), rows))
