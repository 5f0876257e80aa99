"""No traceback ever reaches the coach: an unexpected error in the CLI, the TUI or a thread is a
private crash report without client text, one line naming it, and a non-zero exit status."""

from __future__ import annotations

import functools
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from textual.app import App

from roomguard.cli import crash, exit_codes
from roomguard.cli.main import main, run_tui
from tests.screens.helpers import seeded_store

PLANTED = "Priya-confided-SALARY-7731"  # stands for a client's words


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Crash reports go to the platform's state folder: a temp one here."""
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    monkeypatch.delenv(crash.DETAIL_ENV, raising=False)
    return home / "roomguard" / "crash-reports"


def only_report(folder: Path) -> Path:
    (report,) = folder.iterdir()
    return report


def leaky(message: str) -> None:
    """Fails the way real code does: client text in a local and in the message."""
    confided = f"{PLANTED} (a local variable)"
    raise KeyError(f"{message} {confided}")


def test_the_cli_writes_a_private_report_and_one_line(state_home: Path, tmp_path: Path) -> None:
    db = seeded_store(tmp_path / "store")
    script = textwrap.dedent(f"""
        import sys
        import roomguard.cli.checkins_cmd as checkins
        from tests.cli.test_crash import leaky
        checkins.build_checkins = lambda *a, **k: leaky({PLANTED!r})
        from roomguard.cli.main import main
        sys.exit(main(sys.argv[1:]))
    """)
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-c", script, "--db", str(db), "checkins"],
                          capture_output=True, text=True, timeout=60, env=env,
                          cwd=Path(__file__).parents[2])
    assert done.returncode == exit_codes.CRASH
    assert "Traceback" not in done.stderr + done.stdout
    assert PLANTED not in done.stderr + done.stdout
    report = only_report(state_home)
    assert done.stderr == (
        f"roomguard: internal error (KeyError); crash report written to {report} (without the "
        f"error's message, which may hold client text: set ROOMGUARD_CRASH_DETAIL=1 to include "
        f"it)\n"
    )
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    text = report.read_text()
    assert PLANTED not in text
    assert "running: checkins" in text
    assert "KeyError: (message left out" in text
    assert 'in leaky\n    raise KeyError(f"{message} {confided}")' in text  # where, not what


def test_the_tui_writes_a_report_exits_non_zero_and_prints_no_traceback(
    state_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from roomguard.app import RoomguardApp

    def crash_on_mount(self: RoomguardApp) -> None:
        leaky(PLANTED)

    monkeypatch.setattr(RoomguardApp, "on_mount", crash_on_mount)
    monkeypatch.setattr(RoomguardApp, "run", functools.partialmethod(App.run, headless=True))
    db = seeded_store(tmp_path / "store")
    status = run_tui(db)
    out, err = capfd.readouterr()
    assert status == exit_codes.CRASH
    assert "Traceback" not in out + err and PLANTED not in out + err
    report = only_report(state_home)
    assert f"crash report written to {report}" in err
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert PLANTED not in text and "running: tui" in text and "in crash_on_mount" in text


def test_detail_is_included_only_when_the_coach_chooses(state_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        leaky(PLANTED)
    except KeyError as exc:
        error = exc
    assert PLANTED not in crash.report_text(error, "check", detail=False)
    assert PLANTED in crash.report_text(error, "check", detail=True)
    monkeypatch.setenv(crash.DETAIL_ENV, "1")
    assert PLANTED in only_report_of(error, state_home).read_text()


def only_report_of(error: BaseException, folder: Path) -> Path:
    crash.report_crash(error, "check")
    return only_report(folder)


def test_every_exception_of_a_chain_is_located() -> None:
    try:
        try:
            leaky(PLANTED)
        except KeyError as inner:
            raise RuntimeError(PLANTED) from inner
    except RuntimeError as exc:
        text = crash.report_text(exc, "tui", detail=False)
    assert text.index("KeyError:") < text.index("The above led to:") < text.index("RuntimeError:")
    assert PLANTED not in text


def test_a_report_that_cannot_be_written_is_still_one_line(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str],
                                                           ) -> None:
    blocked = tmp_path / "state"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    assert crash.report_crash(KeyError(PLANTED), "check") == exit_codes.CRASH
    err = capsys.readouterr().err
    assert err.startswith("roomguard: internal error (KeyError); the crash report could not be "
                          "written (")
    assert err.count("\n") == 1 and PLANTED not in err


def test_a_thread_that_dies_is_reported_not_printed(state_home: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)  # restored afterwards
    crash.install_thread_hook("session")
    thread = threading.Thread(target=leaky, args=(PLANTED,), name=f"follow {PLANTED}.vtt")
    thread.start()
    thread.join()
    err = capfd.readouterr().err
    assert "Traceback" not in err and PLANTED not in err
    text = only_report(state_home).read_text()
    assert "running: session, in a thread" in text and PLANTED not in text


def test_ctrl_c_is_quiet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    import roomguard.cli.checkins_cmd as checkins

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(checkins, "build_checkins", interrupted)
    assert main(["--db", str(seeded_store(tmp_path / "store")), "checkins"]) == 130
    assert capsys.readouterr().err == ""
