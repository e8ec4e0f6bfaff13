"""The ``broadcaster`` command as a user meets it: tables, spoken text, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_validate_passes_on_the_shipped_library(run_cli):
    result = run_cli("validate")
    assert result.exit_code == 0, result.output
    assert "26 bulletins OK; 24 of 24 forms covered." in result.output


def test_validate_fails_with_file_and_line_on_a_broken_copy(run_cli, library_copy):
    target = library_copy / "f01-combo-du-lich.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("priority: thuong", "priority: gap"), encoding="utf-8")
    (library_copy / "f02-cuoc-goi-video-deepfake.yaml").write_text("id: [\n", encoding="utf-8")
    result = run_cli("validate", env={"BROADCASTER_LIBRARY_DIR": str(library_copy)})
    assert result.exit_code == 1
    assert "error: bulletin library: 2 problems" in result.output
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("priority:"))
    assert f"f01-combo-du-lich.yaml:{line}: priority must be one of" in result.output
    assert "f02-cuoc-goi-video-deepfake.yaml:2: YAML syntax error" in result.output


def test_list_shows_every_bulletin_with_its_title(run_cli):
    result = run_cli("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "form", "kind", "priority", "words", "valid", "title"]
    assert len(lines) == 2 + 26
    assert any("f24-" in line and "Cho số đánh đề" in line for line in lines)


def test_normalize_argument(run_cli):
    result = run_cli("normalize", "Gọi 113 khi bị lừa 20.000.000 đồng")
    assert result.output == "Gọi một một ba khi bị lừa hai mươi triệu đồng\n"


def test_normalize_reads_stdin_one_line_per_line(run_cli):
    lines = ["UBND xã thông báo", "", "Ngày 20/01/2023 lúc 6h30", "không có số nào"]
    result = run_cli("normalize", input="\n".join(lines) + "\n")
    out = result.output.splitlines()
    assert len(out) == len(lines)
    assert out[0] == "Ủy ban nhân dân xã thông báo"  # a sentence starts with a capital
    assert out[1] == ""
    assert "hai nghìn không trăm hai mươi ba" in out[2] and "sáu giờ ba mươi phút" in out[2]
    assert out[3] == "không có số nào"


def test_spoken_prints_each_bulletins_spoken_form_without_digits(run_cli):
    result = run_cli("spoken", "f01-combo-du-lich", "ket-thuc")
    assert result.exit_code == 0
    assert result.output.startswith("== f01-combo-du-lich: Combo du lịch giá rẻ\n")
    assert "== ket-thuc:" in result.output
    assert not any(ch.isdigit() for ch in result.output.split("\n", 1)[1].replace("f01", ""))


def test_unknown_bulletin_id_is_a_clear_error(run_cli):
    result = run_cli("spoken", "khong-co")
    assert result.exit_code == 1
    assert (
        "error: bulletin library: 1 problem\n  khong-co: no bulletin has this id" in result.output
    )


def test_bad_config_is_an_error_line_not_a_traceback(repo, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("speech:\n  engines: [polly]\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "broadcaster", "--config", str(bad), "validate"],
        capture_output=True,
        text=True,
        cwd=repo,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: configuration: 1 problem")
    assert "bad.yaml:2: unknown speech engine 'polly'" in done.stderr
    assert "Traceback" not in done.stderr


def test_installed_command_runs(repo):
    command = Path(sys.executable).with_name("broadcaster")
    done = subprocess.run([str(command), "--help"], capture_output=True, text=True, cwd=repo)
    assert done.returncode == 0
    for sub in ("validate", "list", "normalize", "spoken", "doctor"):
        assert sub in done.stdout


def test_user_commands_add_change_and_disable_accounts(run_cli, data_dir):
    from broadcaster import accounts, audit, db
    from broadcaster.config import load_settings

    added = run_cli(
        "user",
        "add",
        "xa-co-am",
        "--full-name",
        "Phạm Văn Loa",
        "--role",
        "operator",
        "--station",
        "co-am",
        "--password-stdin",
        input="mat-khau-dai\n",
    )
    assert added.exit_code == 0, added.output
    engine = db.connect(load_settings(environ={"BROADCASTER_DATA_DIR": str(data_dir)}).database)
    assert accounts.authenticate(engine, "xa-co-am", "mat-khau-dai").station_id == "co-am"
    run_cli("user", "passwd", "xa-co-am", "--password-stdin", input="mat-khau-moi\n")
    assert accounts.authenticate(engine, "xa-co-am", "mat-khau-dai") is None
    assert accounts.authenticate(engine, "xa-co-am", "mat-khau-moi") is not None
    run_cli("user", "disable", "xa-co-am")
    assert accounts.authenticate(engine, "xa-co-am", "mat-khau-moi") is None
    trail = [(e.action, e.target) for e in audit.recent(engine)][::-1]
    assert trail == [
        ("add_user", "xa-co-am"),
        ("reset_password", "xa-co-am"),
        ("disable_user", "xa-co-am"),
    ]


def test_user_mistakes_are_clear_errors(run_cli):
    short = run_cli(
        "user",
        "add",
        "canbo",
        "--full-name",
        "A",
        "--role",
        "staff",
        "--password-stdin",
        input="ngan\n",
    )
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    nowhere = run_cli(
        "user",
        "add",
        "xa",
        "--full-name",
        "A",
        "--role",
        "operator",
        "--station",
        "khong-co",
        "--password-stdin",
        input="mat-khau-dai\n",
    )
    assert nowhere.exit_code == 1 and "no station 'khong-co'" in nowhere.output
    assert "no user named 'ai-do'" in run_cli("user", "disable", "ai-do").output


def test_demo_accounts_are_created_once_for_every_role(run_cli):
    first = run_cli("user", "demo")
    again = run_cli("user", "demo")
    assert first.exit_code == again.exit_code == 0
    for role in ("staff", "operator", "leader", "admin"):
        assert role in first.output
    assert first.output == again.output
