"""The ``roomguard`` console script: the TUI by default, subcommands for shell and cron use.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds its
parser and sets ``handler`` (a function of the parsed args returning an exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from roomguard import __version__
from roomguard.cli import exit_codes

SUBCOMMAND_MODULES = (
    "roomguard.cli.session_cmd",
    "roomguard.cli.checkins_cmd",
    "roomguard.cli.check_cmd",
    "roomguard.cli.export_cmd",
    "roomguard.cli.backup_cmd",
    "roomguard.cli.verify_cmd",
    "roomguard.cli.encrypt_cmd",
    "roomguard.cli.passphrase_cmd",
)


def build_parser(with_subcommands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roomguard",
        description=(
            "Keep a session's confidentiality agreement in view: who is in the room, "
            "which topics are private, whose consent is current, which reviews are due."
        ),
    )
    parser.add_argument("--version", action="version", version=f"roomguard {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="store directory (default: $ROOMGUARD_DB, else the platform's user data dir)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="load a demonstration practice into an empty store"
    )
    from roomguard.cli.unlock import add_options, add_options_everywhere

    add_options(parser, on_subcommand=False)  # an encrypted store's passphrase: never a value
    if not with_subcommands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    add_options_everywhere(parser)  # also after the command's name: `verify --passphrase-file F`
    return parser


def error(message: str) -> int:
    """Print *message* to stderr as ``roomguard: error: …`` and return the error status."""
    print(f"roomguard: error: {message}", file=sys.stderr)
    return exit_codes.ERROR


def _plain_launch(argv: Sequence[str]) -> bool:
    """True when *argv* only opens the TUI (``--db PATH``, ``--demo``): no subcommand needed."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--demo" or arg.startswith("--db="):
            i += 1
        elif arg == "--db" and i + 1 < len(argv):
            i += 2
        else:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand or the TUI and return the exit status.

    No traceback reaches the coach: an error no command anticipated becomes a crash report and
    one line (see :mod:`roomguard.cli.crash`, exit status 70); Ctrl-C ends quietly with 130.
    Usage errors and ``--help`` still exit through argparse.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    running = "roomguard"
    try:
        parser = build_parser(with_subcommands=not _plain_launch(argv))
        args = parser.parse_args(argv)
        running = " ".join(
            str(part) for part in (getattr(args, "command", None) or "tui",
                                   getattr(args, "backup_action", None)) if part
        )  # the command's name, never its arguments (a client's name, a file's)
        from roomguard.cli.crash import install_thread_hook
        from roomguard.store.locations import store_path

        install_thread_hook(running)
        args.store_path = store_path(args.db)
        handler = getattr(args, "handler", None)
        if handler is not None:
            return int(handler(args))
        return run_tui(args.store_path, demo=args.demo)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place every unexpected error ends up
        from roomguard.cli.crash import report_crash

        return report_crash(exc, running)


def run_tui(path: Path, *, demo: bool = False, session_client: str | None = None,
            follow: Path | None = None) -> int:
    from roomguard.live.quiet_gc import hold_for_startup, release_after_startup

    hold_for_startup()  # until the first frame (the app releases it then): see live/quiet_gc.py
    try:
        from roomguard.app import RoomguardApp

        app = RoomguardApp(path, demo=demo, session_client=session_client, follow=follow)
        app.run()
    finally:
        release_after_startup()
    if app.crashed is not None:  # Textual caught it and printed nothing: report it here
        from roomguard.cli.crash import report_crash

        return report_crash(app.crashed, "tui")
    if app.fatal_message:
        print(f"roomguard: {app.fatal_message}", file=sys.stderr)
        return exit_codes.ERROR
    return exit_codes.OK


if __name__ == "__main__":
    sys.exit(main())
