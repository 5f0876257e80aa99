"""``roomguard check TRANSCRIPT --client NAME``: audit a finished transcript against an agreement.

Exit status: 0 no alerts, 1 alerts found, 2 an error (unknown client or person, unreadable file,
input that is not a transcript: see :mod:`roomguard.cli.transcript_reader`).

Phrases muted for the client (false alarms the coach stopped flagging) do not alert here either,
so the output says which they are, when and why each was muted, and lists every line one of
them kept from alerting: a mute narrows what alerts, never what a review sees.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded, opened_store
from roomguard.cli.output import json_text
from roomguard.cli.transcript_reader import MAX_LINE_BYTES, MAX_TRANSCRIPT_BYTES
from roomguard.core.text import printable

_LIMITS = (
    "The transcript is read as it streams, in bounded memory, and refused with status 2 when "
    "it cannot be one: a device (to read standard input, give -), a NUL byte (a binary file; "
    f"UTF-16 text must be saved as UTF-8), a line of more than {MAX_LINE_BYTES // 2**20} MB "
    f"without a break, or more than {MAX_TRANSCRIPT_BYTES // 2**20} MB in all."
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="audit a transcript against a client's agreement",
        description=(
            "Replay a transcript (plain 'Name: text', WebVTT or SubRip) against the client's "
            "stored agreement and print every alert. Exit 0: no alerts; 1: alerts; 2: error."
        ),
        epilog=_LIMITS,
    )
    parser.add_argument("transcript", metavar="TRANSCRIPT", help="transcript file, or - for stdin")
    parser.add_argument("--client", required=True, metavar="NAME", help="client name or prefix")
    parser.add_argument(
        "--present", action="append", default=[], metavar="NAME",
        help="someone in the room from the start (repeatable); speakers join as they talk",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--transcript-format", choices=("plain", "webvtt", "srt"), default=None,
        help="skip format detection",
    )
    parser.set_defaults(handler=guarded(run))


def run(args: argparse.Namespace) -> int:
    from roomguard.cli.transcript_reader import NotATranscript, read_utterances
    from roomguard.core.session import Guard
    from roomguard.core.transcript import TranscriptFormat
    from roomguard.live.audit import audit_transcript

    with opened_store(args, readonly=True) as store:
        client = store.find_client(args.client)
        agreement = store.agreement(client.id)
    if agreement is None:
        raise CommandError(f"{client.name} has no agreement yet")
    resolver = Guard(agreement)
    present = []
    for name in args.present:
        person = resolver.resolve_speaker(name)
        if person is None:
            known = ", ".join(p.name for p in agreement.participants)
            raise CommandError(f"--present {name!r} is not a party to {client.name}'s agreement "
                               f"(parties: {known})")
        present.append(person.id)
    fmt = TranscriptFormat(args.transcript_format) if args.transcript_format else None
    utterances = read_utterances(args.transcript, fmt)
    try:
        result = audit_transcript(
            agreement, utterances, present, datetime.now().replace(microsecond=0), client
        )
    except NotATranscript as exc:
        raise CommandError(str(exc)) from exc
    from roomguard.core.mutes import mutes_of

    mutes = mutes_of(agreement)
    if args.format == "json":
        doc = {
            "client": client.name,
            "lines": result.lines,
            "muted": [
                {
                    "phrase": m.phrase,
                    "muted_at": m.record.muted_at.isoformat() if m.record else None,
                    "reason": m.record.reason if m.record else None,
                    "session_id": m.record.session_id if m.record else None,
                }
                for m in mutes
            ],
            "silenced": [
                {
                    "cue_time": s.utterance.cue_time,
                    "line_no": s.utterance.line_no,
                    "speaker": s.utterance.speaker,
                    "phrases": list(s.phrases),
                    "topics": list(s.topics),
                    "line": s.utterance.text,
                }
                for s in result.silenced
            ],
            "alerts": [
                {
                    "cue_time": f.utterance.cue_time,
                    "line_no": f.utterance.line_no,
                    "speaker": f.utterance.speaker,
                    "topic": f.alert.topic_name,
                    "phrase": f.alert.phrase,
                    "present": list(f.present),
                    "uncleared": list(f.uncleared),
                    "reason": f.alert.reason,
                    "line": f.utterance.text,
                }
                for f in result.findings
            ],
        }
        sys.stdout.write(json_text(doc) + "\n")  # C1 and bidi controls escaped
    else:
        for f in result.findings:
            where = f.utterance.cue_time or f"line {f.utterance.line_no}"
            speaker = printable(f.utterance.speaker or "-", 60)
            print(f"{where}  {speaker}: {printable(f.utterance.text, 200)}")
            print(f"    topic: {printable(f.alert.topic_name, 80)}"
                  + (f"  phrase: {printable(f.alert.phrase, 80)}" if f.alert.phrase else ""))
            print(f"    present: {printable(', '.join(f.present), 300)}")
            print(f"    not cleared: {printable(', '.join(f.uncleared), 300)}")
        for line in result.silenced:
            where = line.utterance.cue_time or f"line {line.utterance.line_no}"
            speaker = printable(line.utterance.speaker or "-", 60)
            print(f"{where}  {speaker}: {printable(line.utterance.text, 200)}")
            print(f"    muted, not flagged: {printable(', '.join(line.phrases), 200)}"
                  f"  topic: {printable(', '.join(line.topics), 120)}")
        if result.findings:
            summary = f"{len(result.findings)} alert(s) in {result.lines} line(s)"
        else:
            summary = f"No alerts in {result.lines} line(s)"
        if result.silenced:
            summary += f"; {len(result.silenced)} line(s) with a muted phrase, not flagged"
        elif not result.findings:
            summary += "."
        stream = sys.stdout if result.findings or result.silenced else sys.stderr
        print(summary, file=stream)
        if mutes:
            print(f"Muted for {printable(client.name, 60)} (never flagged):", file=stream)
            for mute in mutes:
                print(f'    "{printable(mute.phrase, 80)}"  {printable(mute.describe(), 300)}',
                      file=stream)
    return exit_codes.ALERTS if result.findings else exit_codes.OK
