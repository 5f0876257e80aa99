"""``roomguard session CLIENT [--follow PATH]``: open the TUI straight into a live session."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from roomguard.cli.common import CommandError, guarded, opened_store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "session",
        help="start a session for CLIENT",
        description="Open Roomguard directly in a live session for CLIENT.",
    )
    parser.add_argument("client", metavar="CLIENT", help="client name (or a unique prefix)")
    parser.add_argument(
        "--follow", metavar="PATH", type=Path,
        help="follow a live transcript file (plain 'Name: text', WebVTT or SubRip)",
    )
    parser.set_defaults(handler=guarded(run))


def run(args: argparse.Namespace) -> int:
    from roomguard.cli.main import run_tui

    with opened_store(args, readonly=True) as store:
        try:
            client = store.find_client(args.client)
        except Exception as exc:  # UnknownClient: reported before the TUI takes the terminal
            raise CommandError(str(exc)) from exc
    return run_tui(args.store_path, session_client=client.id, follow=args.follow)
