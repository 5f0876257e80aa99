"""``roomguard check TRANSCRIPT --client NAME``: audit a finished transcript against an agreement.

Exit status: 0 nothing to report, 1 alerts found, 2 an error (unknown client or person,
unreadable file, input that is not a transcript: see :mod:`roomguard.cli.transcript_reader`), 3
no alert but someone the agreement does not know spoke or attended (they joined as guests: an
alias on the agreement, or ``--speaker-map``, says who they are).

Every alert is listed with every mention it groups (:mod:`roomguard.cli.check_report`), then
the unknown speakers; ``--summary`` gives one line per alert. ``--attendance FILE`` reads who
came and went when from a Zoom or Teams attendance report (:mod:`roomguard.core.attendance`).

Phrases muted for the client (false alarms the coach stopped flagging) do not alert here either,
so the output says which they are, when and why each was muted, and lists every line one of
them kept from alerting: a mute narrows what alerts, never what a review sees.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded, opened_store
from roomguard.cli.transcript_reader import MAX_LINE_BYTES, MAX_TRANSCRIPT_BYTES
from roomguard.core.text import printable

_DESCRIPTION = (
    "Replay a transcript (plain 'Name: text', WebVTT or SubRip; diarised SPEAKER_00 labels and "
    "whisperX/pyannote time ranges too) against the client's stored agreement. A mention is a "
    "line naming a private topic while someone present is not cleared for it; an alert groups "
    "the mentions of one topic while the same people are present and not cleared (a check "
    "never acknowledges, so it lasts to the end), or is raised when someone not cleared comes "
    "in while a topic is active (an arrival: it names the mention that made the topic active; "
    "a later mention is its own alert). Every alert is printed with every mention under it "
    "(time, line, speaker, topic, phrase, who was present, who was not cleared); --summary "
    "prints one line per alert. Speakers the agreement does not know join as guests, not "
    "cleared for anything, and are listed. "
    "Exit status: 0 nothing to report; 1 alerts; 2 error (including a file that is not a "
    "transcript); 3 no alert, but unknown speakers (or attendees)."
)
_LIMITS = (
    "Presence: --present sets who is in the room at the start; speakers join when they talk; "
    "lines such as '[Sam left]' or 'Sam joined the meeting' move them in or out; with "
    "--attendance, a Zoom participants report or a Teams attendance report (CSV) says who came "
    "and left when, matched to parties by email, name or alias (times relative to the "
    "meeting's start, or to --recording-start; see docs/EXPORT.md). "
    "The transcript is read as it streams, in bounded memory, and refused with status 2 when "
    "it cannot be one: a device (to read standard input, give -), a NUL byte (a binary file; "
    f"UTF-16 text must be saved as UTF-8), a line of more than {MAX_LINE_BYTES // 2**20} MB "
    f"without a break, or more than {MAX_TRANSCRIPT_BYTES // 2**20} MB in all; and, unless "
    "--lenient, when its text reads as no transcript (empty, no cue, a broken cue time, no "
    "line with a speaker or a time), naming the file and line."
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="audit a transcript against a client's agreement",
        description=_DESCRIPTION,
        epilog=_LIMITS,
    )
    parser.add_argument("transcript", metavar="TRANSCRIPT", help="transcript file, or - for stdin")
    parser.add_argument("--client", required=True, metavar="NAME", help="client name or prefix")
    parser.add_argument(
        "--present", action="append", default=[], metavar="NAME",
        help="someone in the room from the start (repeatable); speakers join as they talk",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--summary", action="store_true",
                        help="one line per alert instead of every mention under it")
    parser.add_argument(
        "--transcript-format", choices=("plain", "webvtt", "srt"), default=None,
        help="skip format detection",
    )
    parser.add_argument("--lenient", action="store_true",
                        help="read a messy file as far as it goes instead of refusing it")
    parser.add_argument(
        "--attendance", metavar="FILE",
        help="Zoom participants report or Teams attendance report (CSV): who came and left when",
    )
    parser.add_argument(
        "--recording-start", metavar="TIME",
        help="with --attendance: the report's clock time at which the transcript's 00:00:00 "
             "was said (default: the meeting's start in the report)",
    )
    parser.add_argument(
        "--speaker-map", action="append", default=[], metavar="LABEL=NAME",
        help="read a transcript label as a party (repeatable), e.g. SPEAKER_00=Noah",
    )
    parser.add_argument(
        "--semantic", choices=("on", "off"), default="off",
        help="also report possible topics: lines that may be about a private topic in other "
             "words than its phrases (the on-device semantic layer; default off)",
    )
    parser.set_defaults(handler=guarded(run))


def semantic_lane(choice: str, agreement: Any) -> Any:
    """The semantic layer for ``--semantic on``, loaded now (inline: a check waits for it);
    a layer that cannot load is an error, saying why."""
    if choice != "on":
        return None
    from roomguard.live.semantic.lane import SemanticLane

    lane = SemanticLane(agreement.terms.topics, agreement.not_topic_lines, inline=True)
    lane.load()
    if not lane.ready:
        raise CommandError(f"--semantic on: the semantic layer is unavailable ({lane.reason})")
    return lane


def possible_topics_json(result: Any) -> list[dict[str, Any]]:
    return [{"cue_time": p.cue_time, "speaker": p.speaker, "topic": p.topic_name,
             "topic_id": p.topic_id, "score": p.score, "line": p.line,
             "uncleared": list(p.uncleared)} for p in result.possibles]


def write_possible_topics(result: Any, write: Any) -> None:
    for p in result.possibles:
        where = p.cue_time or "-"
        write(f"{where}  {printable(p.speaker or '-', 60)}: {printable(p.line, 200)}")
        write(f"    possible topic: {printable(p.topic_name, 120)} (score {p.score:.2f}; "
              "in other words than its phrases)")
    write(f"{len(result.possibles)} possible topic(s) (semantic layer)")


def run(args: argparse.Namespace) -> int:
    from roomguard.cli.check_report import (
        alerts_json,
        attendance_json,
        attendance_text,
        fast_json_text,
        unknown_json,
        write_alerts,
        write_summary_lines,
        write_unknown,
    )
    from roomguard.cli.transcript_reader import NotATranscript, read_utterances
    from roomguard.core.session import Guard
    from roomguard.core.text import fold
    from roomguard.core.transcript import TranscriptFormat
    from roomguard.live.audit import audit_transcript

    with opened_store(args, readonly=True) as store:
        client = store.find_client(args.client)
        agreement = store.agreement(client.id)
        dayfirst = bool(store.setting("dayfirst", True))
    if agreement is None:
        raise CommandError(f"{client.name} has no agreement yet")
    resolver = Guard(agreement)
    known = ", ".join(p.name for p in agreement.participants)
    present = []
    for name in args.present:
        person = resolver.resolve_speaker(name)
        if person is None:
            raise CommandError(f"--present {name!r} is not a party to {client.name}'s agreement "
                               f"(parties: {known})")
        present.append(person.id)
    speaker_map: dict[str, str] = {}
    for pair in args.speaker_map:
        label, sep, name = pair.partition("=")
        person = resolver.resolve_speaker(name.strip()) if sep and label.strip() else None
        if person is None:
            raise CommandError(f"--speaker-map {pair!r}: give LABEL=NAME, NAME a party to "
                               f"{client.name}'s agreement (parties: {known})")
        speaker_map[fold(label.strip())] = person.name
    attendance, origin, layout = [], "", ""
    if args.recording_start and not args.attendance:
        raise CommandError("--recording-start needs --attendance (it places the report's times)")
    if args.attendance:
        from roomguard.cli.attendance_file import read_report, recording_start
        from roomguard.core.attendance import AttendanceError, timeline

        report = read_report(args.attendance, dayfirst=dayfirst)
        start_at = (recording_start(args.recording_start, report, dayfirst=dayfirst)
                    if args.recording_start else report.start)
        try:
            attendance = timeline(report, agreement, start_at)
        except AttendanceError as exc:
            raise CommandError(f"{args.attendance}: {exc}") from exc
        origin, layout = start_at.isoformat(), report.layout
    fmt = TranscriptFormat(args.transcript_format) if args.transcript_format else None
    utterances = read_utterances(args.transcript, fmt, strict=not args.lenient)
    try:
        result = audit_transcript(
            agreement, utterances, present, datetime.now(UTC).astimezone().replace(microsecond=0),
            client,
            attendance=attendance, speaker_map=speaker_map,
            semantic=semantic_lane(args.semantic, agreement),
        )
    except NotATranscript as exc:
        raise CommandError(str(exc)) from exc
    if args.attendance and result.lines and not result.timed_lines:
        raise CommandError(f"{args.transcript} gives no times, so the attendance report cannot "
                           "be lined up with what was said; check it without --attendance")
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
            "alerts": alerts_json(result, summary=args.summary),
            "mentions": result.mentions,
            "unknown_speakers": unknown_json(result),
            "attendance": (attendance_json(args.attendance, layout, origin, attendance)
                           if args.attendance else None),
        }
        if args.semantic == "on":
            doc["possible_topics"] = possible_topics_json(result)
        sys.stdout.write(fast_json_text(doc) + "\n")  # C1 and bidi controls escaped
    else:
        if args.summary:
            write_summary_lines(result, print)
        else:
            write_alerts(result, print)
        for line in result.silenced:
            where = line.utterance.cue_time or f"line {line.utterance.line_no}"
            speaker = printable(line.utterance.speaker or "-", 60)
            print(f"{where}  {speaker}: {printable(line.utterance.text, 200)}")
            print(f"    muted, not flagged: {printable(', '.join(line.phrases), 200)}"
                  f"  topic: {printable(', '.join(line.topics), 120)}")
        write_unknown(result, print)
        if args.semantic == "on":
            write_possible_topics(result, print)
        if args.attendance:
            for row in attendance_text(args.attendance, layout, origin, attendance):
                print(row)
        if result.alerts:
            summary = f"{len(result.alerts)} alert(s) in {result.lines} line(s)"
        else:
            summary = f"No alerts in {result.lines} line(s)"
        if result.silenced:
            summary += f"; {len(result.silenced)} line(s) with a muted phrase, not flagged"
        if result.alerts:
            summary += f"; {result.mentions} mention(s) under them"
        if result.unknown:
            summary += f"; {len(result.unknown)} unknown speaker(s)"
        if not result.alerts and not result.silenced and not result.unknown:
            summary += "."
        stream = (sys.stdout if result.alerts or result.silenced or result.unknown
                  else sys.stderr)
        print(summary, file=stream)
        if mutes:
            print(f"Muted for {printable(client.name, 60)} (never flagged):", file=stream)
            for mute in mutes:
                print(f'    "{printable(mute.phrase, 80)}"  {printable(mute.describe(), 300)}',
                      file=stream)
    if result.alerts:
        return exit_codes.ALERTS
    return exit_codes.UNKNOWN_SPEAKERS if result.unknown else exit_codes.OK
