"""``roomguard checkins``: agreement reviews that are due, for shell prompts, cron and calendars.

Reads the store read-only, so it works while the TUI has the store open.

Formats:

* ``table`` (default): aligned plain text; the state is coloured only on a terminal
  (and never when ``NO_COLOR`` is set or the output goes to a file).
* ``json``: a list of ``{client, client_id, agreement_id, due_on, state, reasons, parties,
  todos}``; ``state`` is ``overdue``, ``due_soon``, ``later`` or ``not_scheduled``; ``due_on``
  an ISO date or null. ``reasons`` is what makes the review due and every party whose written
  consent is missing, outdated or revoked; ``todos`` lists the open to-dos (``text``,
  ``created_at``, ``participant_id``, ``session_id``: the session a verbal consent was given
  in). The table's REASONS column gives both, each to-do as ``to-do: …``. The calendar never
  holds a to-do: one may name a private topic, and calendars are synced off the machine.
* ``ics``: an iCalendar file with one all-day event per review, stable UIDs across exports.

``--within DAYS`` keeps reviews due within DAYS of today, overdue ones included.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import guarded, opened_store
from roomguard.cli.output import json_text, write_output
from roomguard.core.cadence import DueState, local_today
from roomguard.core.checkins import CheckinRow, build_checkins, due_within
from roomguard.core.text import printable

FORMATS = ("table", "json", "ics")
_COLOURS = {
    DueState.OVERDUE: "\x1b[1;31m",
    DueState.DUE_SOON: "\x1b[33m",
    DueState.LATER: "\x1b[32m",
    DueState.NOT_SCHEDULED: "\x1b[2m",
}
_RESET = "\x1b[0m"


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} days: give 0 or more")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "checkins",
        help="list agreement reviews that are due (table, JSON or iCalendar)",
        description=(
            "List every agreement's next review, overdue first. Works while the TUI is open."
        ),
    )
    parser.add_argument(
        "--within",
        metavar="DAYS",
        type=_days,
        help="only reviews due within DAYS days (overdue ones included)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE",
        help="write to FILE instead of standard output (a file is replaced atomically; a device "
             "or FIFO is written to, never replaced)"
    )
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        help="judge due dates as of this day (default: today in the local time zone)",
    )
    parser.set_defaults(handler=run)


def load_rows(args: argparse.Namespace, today: date) -> list[CheckinRow]:
    with opened_store(args, readonly=True) as store:
        rows = build_checkins(store.agreements(), today)
    if args.within is not None:
        rows = due_within(rows, today, args.within)
    return rows


def row_json(row: CheckinRow) -> dict[str, Any]:
    return {
        "client": row.client_name,
        "client_id": row.client_id,
        "agreement_id": row.agreement_id,
        "due_on": None if row.due_on is None else row.due_on.isoformat(),
        "state": row.state.name.lower(),
        "reasons": list(row.to_settle),
        "parties": [{"name": p.name, "role": p.role.value} for p in row.parties],
        "last_review": None if row.last_review is None else row.last_review.isoformat(),
        "cadence": row.cadence,
        "todos": [
            {
                "id": todo.id,
                "text": todo.text,
                "created_at": todo.created_at.isoformat(),
                "participant_id": todo.participant_id,
                "session_id": todo.session_id,
            }
            for todo in row.todos
        ],
    }


def render_json(rows: list[CheckinRow]) -> str:
    return json_text([row_json(row) for row in rows]) + "\n"


def render_table(rows: list[CheckinRow], today: date, *, colour: bool) -> str:
    if not rows:
        return "No agreement reviews to show.\n"
    header = ("STATE", "DUE", "WHEN", "CLIENT", "PARTIES", "LAST REVIEW", "CADENCE", "REASONS")
    body = [
        (
            row.state.value,
            row.due_on.isoformat() if row.due_on else "-",
            row.when(today),
            printable(row.client_name, 40),
            printable(", ".join(p.name for p in row.parties), 40) or "-",
            row.last_review.isoformat() if row.last_review else "never",
            printable(row.cadence, 60),
            printable("; ".join(row.attention), None) or "-",
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in (header, *body)) for i in range(len(header) - 1)]
    lines = []
    for cells, state in [(header, None), *zip(body, (r.state for r in rows), strict=True)]:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=False)]
        if colour and state is not None:
            padded[0] = f"{_COLOURS[state]}{padded[0]}{_RESET}"
        lines.append("  ".join([*padded, cells[-1]]).rstrip())
    return "\n".join(lines) + "\n"


def _use_colour(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@guarded
def run(args: argparse.Namespace) -> int:
    today = args.today or local_today(datetime.now(UTC))
    rows = load_rows(args, today)
    if args.format == "ics":
        from roomguard.core.ics import checkins_ics

        data = checkins_ics(rows, datetime.now().astimezone())
    elif args.format == "json":
        data = render_json(rows).encode()
    else:
        data = render_table(rows, today, colour=_use_colour(args.output)).encode()

    # A calendar subscribed to the file never sees half of it; /dev/null stays a device.
    where = write_output(args.output, data)
    if args.output not in (None, "-"):
        count = sum(1 for row in rows if row.due_on is not None or args.format != "ics")
        print(f"wrote {count} review{'s' if count != 1 else ''} to {where}", file=sys.stderr)
    return exit_codes.OK
