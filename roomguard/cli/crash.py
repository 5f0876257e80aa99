"""An unexpected error becomes a crash report file and one line, never a traceback on screen.

A traceback printed to the terminal shows the coach a wall of code, and Textual's own prints the
local variables of every frame: the first bytes of a store file, a client's name, a line of a
transcript. So an error nobody anticipated is written to a report instead:

* in :func:`~roomguard.store.locations.crash_directory` (the platform's per-user state folder),
  created ``0600`` in a ``0700`` folder, one file per crash;
* holding what a developer needs to find the fault: Roomguard's and Python's versions, which
  command was running (its name, never its arguments), and each exception's type and the code
  locations it passed through;
* never holding a local variable, and not the exceptions' messages, which may quote a client
  (``KeyError: 'Priya Raman'``), unless the coach sets ``ROOMGUARD_CRASH_DETAIL=1`` and so
  chooses to include them. The line printed says so.

The process then exits with :data:`~roomguard.cli.exit_codes.CRASH`, never 0.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType

from roomguard.cli import exit_codes

__all__ = ["DETAIL_ENV", "install_thread_hook", "report_crash", "report_text", "write_report"]

DETAIL_ENV = "ROOMGUARD_CRASH_DETAIL"
_LEFT_OUT = "(message left out: it may hold client text)"


def detail_chosen() -> bool:
    """Whether the coach asked for the errors' messages in crash reports."""
    return os.environ.get(DETAIL_ENV, "").strip().lower() in ("1", "yes", "true", "on")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """*exc* and every exception behind it, the first cause first (as Python prints them)."""
    seen: set[int] = set()
    order: list[BaseException] = []

    def visit(error: BaseException | None) -> None:
        if error is None or id(error) in seen:
            return
        seen.add(id(error))
        visit(error.__cause__ or (None if error.__suppress_context__ else error.__context__))
        wrapped = getattr(error, "error", None)  # Textual's WorkerFailed carries the real one
        if isinstance(wrapped, BaseException):
            visit(wrapped)
        for inner in getattr(error, "exceptions", ()):  # an ExceptionGroup's members
            if isinstance(inner, BaseException):
                visit(inner)
        order.append(error)

    visit(exc)
    return iter(order)


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def _frames(tb: TracebackType | None) -> list[str]:
    """Where the exception passed: file, line, function and that line of code; no locals."""
    import traceback

    summary = traceback.StackSummary.extract(traceback.walk_tb(tb), capture_locals=False)
    return summary.format()


def report_text(exc: BaseException, context: str, *, detail: bool | None = None,
                now: datetime | None = None) -> str:
    """The crash report for *exc*; *context* names what was running (``"check"``, ``"tui"``)."""
    import platform
    import traceback

    from roomguard import __version__

    detail = detail_chosen() if detail is None else detail
    try:
        from importlib.metadata import version

        textual = version("textual")
    except Exception:  # noqa: BLE001 - a report must be written whatever is installed
        textual = "?"
    lines = [
        f"Roomguard {__version__} crash report",
        f"when: {(now or datetime.now()).isoformat(timespec='seconds')}",
        f"running: {context}",
        f"python: {platform.python_version()} on {platform.platform()}",
        f"textual: {textual}",
        "error messages: " + ("included (ROOMGUARD_CRASH_DETAIL is set)" if detail else
                              f"left out; set {DETAIL_ENV}=1 to include them (they may quote "
                              "client text)"),
        "local variables: never included",
        "",
    ]
    for n, error in enumerate(_chain(exc)):
        if n:
            lines += ["", "The above led to:", ""]
        lines.append("Traceback (most recent call last):")
        lines += [frame.rstrip("\n") for frame in _frames(error.__traceback__)]
        if detail:
            message = "".join(traceback.format_exception_only(type(error), error)).rstrip()
            lines.append(message)
            lines += [str(note) for note in getattr(error, "__notes__", ())]
        else:
            lines.append(f"{_type_name(error)}: {_LEFT_OUT}")
    return "\n".join(lines) + "\n"


def write_report(exc: BaseException, context: str, directory: Path | None = None) -> Path:
    """Write the report to a new private file in *directory* (default: the crash folder)."""
    from roomguard.store.atomic import ensure_dir
    from roomguard.store.locations import crash_directory

    folder = directory or crash_directory()
    ensure_dir(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = report_text(exc, context).encode("utf-8", errors="backslashreplace")
    for n in range(1, 1000):
        path = folder / f"crash-{stamp}-{os.getpid()}{'' if n == 1 else f'-{n}'}.txt"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        try:
            os.write(fd, text)
            os.fsync(fd)
        finally:
            os.close(fd)
        return path
    raise FileExistsError(f"no free crash report name in {folder}")


def report_crash(exc: BaseException, context: str) -> int:
    """Write the report, print one line about it to stderr, and return the crash exit status."""
    kind = type(exc).__name__
    try:
        path = write_report(exc, context)
    except Exception as failure:  # noqa: BLE001 - the one line must come out regardless
        why = failure.strerror if isinstance(failure, OSError) and failure.strerror else \
            type(failure).__name__
        _say(f"roomguard: internal error ({kind}); the crash report could not be written ({why}). "
             "Nothing else was changed.")
        return exit_codes.CRASH
    extra = ("it includes the error's message" if detail_chosen() else
             f"without the error's message, which may hold client text: set {DETAIL_ENV}=1 "
             "to include it")
    _say(f"roomguard: internal error ({kind}); crash report written to {path} ({extra})")
    return exit_codes.CRASH


def _say(line: str) -> None:
    with contextlib.suppress(Exception):  # stderr closed: the exit status still tells
        print(line, file=sys.stderr, flush=True)


def install_thread_hook(context: str) -> None:
    """An exception that ends a thread is reported like any other, instead of printed."""

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        report_crash(args.exc_value, f"{context}, in a thread")  # its name may quote a file

    threading.excepthook = hook
