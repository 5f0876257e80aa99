"""The console script's own flags: help, version, bad flags, where the store lives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roomguard import __version__
from roomguard.cli.main import build_parser, main
from roomguard.store.locations import store_path

SCRIPT = Path(sys.executable).with_name("roomguard")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"roomguard {__version__}"


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--db PATH" in out and "--demo" in out


def test_bad_flag_exits_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-such-flag"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: roomguard" in err and "unrecognized arguments: --no-such-flag" in err


def test_store_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROOMGUARD_DB", str(tmp_path / "env"))
    assert store_path(str(tmp_path / "flag")) == tmp_path / "flag"
    assert store_path(None) == tmp_path / "env"
    monkeypatch.delenv("ROOMGUARD_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store_path(None) == tmp_path / "xdg" / "roomguard" / "store"


def test_parser_builds_with_every_installed_subcommand() -> None:
    assert build_parser().prog == "roomguard"


def test_installed_script_version() -> None:
    out = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"roomguard {__version__}"
