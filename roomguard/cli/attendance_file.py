"""Reading an attendance report from disk for ``roomguard check --attendance FILE``.

The report is small (a row per stay); it is read whole, decoded as the tools write it (Teams:
UTF-16 with a byte-order mark; Zoom: UTF-8, often with one) and handed to the pure parser in
:mod:`roomguard.core.attendance`. Anything wrong is a :class:`~roomguard.cli.common.CommandError`
naming the file and, where there is one, the line.
"""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

from roomguard.cli.common import CommandError
from roomguard.core.attendance import AttendanceError, AttendanceReport, parse_report

MAX_REPORT_BYTES = 16 * 1024 * 1024  # a meeting's report is a few kilobytes


def decode(raw: bytes, name: str) -> str:
    """The report's text: UTF-16 when it starts with a byte-order mark, else UTF-8."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise CommandError(f"{name} is not UTF-8 or UTF-16 text (byte {exc.start:,}); save "
                           "the attendance report as CSV and try again") from None


def read_report(path: str, *, dayfirst: bool) -> AttendanceReport:
    """The attendance report at *path*. Raises CommandError (or OSError) naming the file."""
    file = Path(path)
    with file.open("rb") as handle:
        raw = handle.read(MAX_REPORT_BYTES + 1)
    if len(raw) > MAX_REPORT_BYTES:
        raise CommandError(f"{path} is larger than {MAX_REPORT_BYTES // 2**20} MB: not a "
                           "meeting's attendance report")
    try:
        return parse_report(decode(raw, path), dayfirst=dayfirst)
    except AttendanceError as exc:
        raise CommandError(f"{path}, {exc}" if exc.line_no else f"{path}: {exc}") from exc


def recording_start(text: str, report: AttendanceReport, *, dayfirst: bool) -> datetime:
    """``--recording-start``: a time of day (on the meeting's day) or a date and time, in the
    report's own clock, at which the transcript's 00:00:00 was said."""
    from dateutil import parser as du_parser

    meeting = report.start
    try:
        when = du_parser.parse(text, default=meeting.replace(hour=0, minute=0, second=0,
                                                              microsecond=0), dayfirst=dayfirst)
    except (ValueError, OverflowError):
        raise CommandError(f"--recording-start {text!r} is not a time (e.g. 10:02:30)") from None
    if (when.tzinfo is None) != (meeting.tzinfo is None):
        zone = "with" if meeting.tzinfo is not None else "without"
        raise CommandError(f"--recording-start {text!r}: give it {zone} a time zone, as the "
                           "report's times are")
    return when
