"""What ``roomguard check`` prints about alerts, mentions, unknown speakers and attendance.

Text for a person (every user string through :func:`~roomguard.core.text.printable`), JSON for
a program (``docs/EXPORT.md`` describes each field). Built from an
:class:`~roomguard.live.audit.AuditResult`; nothing here decides anything.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from roomguard.cli.output import _UNSAFE_IN_JSON, _escape, json_text
from roomguard.core.text import printable
from roomguard.core.transcript import Utterance
from roomguard.live.audit import AuditAlert, AuditMention, AuditResult, TopicMention, offset_stamp

if TYPE_CHECKING:
    from roomguard.core.attendance import PresenceChange

__all__ = [
    "alerts_json",
    "fast_json_text",
    "attendance_json",
    "attendance_text",
    "unknown_json",
    "write_alerts",
    "write_summary_lines",
    "write_unknown",
]


def _where(utterance: Utterance) -> str:
    if utterance.cue_time:
        return utterance.cue_time
    return f"line {utterance.line_no}" if utterance.line_no else "attendance report"


def _names(names: tuple[str, ...]) -> str:
    return printable(", ".join(names), 300) or "-"


# -- JSON -------------------------------------------------------------------------------------


def fast_json_text(value: Any) -> str:
    """:func:`~roomguard.cli.output.json_text`'s very text (indent 2, the same characters
    escaped), encoded by orjson: a two-hour transcript's check lists thousands of mentions, and
    ``json.dumps`` took a tenth of the whole check to write them. Falls back to ``json_text``
    for what orjson refuses (a lone surrogate, an integer past 64 bits)."""
    import orjson

    try:
        encoded = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json_text(value)
    return _UNSAFE_IN_JSON.sub(_escape, encoded)



def _line_json(utterance: Utterance) -> dict[str, Any]:
    return {
        "cue_time": utterance.cue_time,
        "line_no": utterance.line_no or None,
        "speaker": utterance.speaker,
        "line": utterance.text,
    }


def _mention_json(mention: AuditMention) -> dict[str, Any]:
    return {**_line_json(mention.utterance), "topic": mention.topic, "phrase": mention.phrase,
            "present": list(mention.present), "uncleared": list(mention.uncleared)}


def _active_json(active: TopicMention | None) -> dict[str, Any] | None:
    return None if active is None else {**_line_json(active.utterance), "phrase": active.phrase}


def alerts_json(result: AuditResult, *, summary: bool = False) -> list[dict[str, Any]]:
    """Every alert; with *summary*, mention counts instead of the mentions themselves."""
    out = []
    for alert in result.alerts:
        row: dict[str, Any] = {
            "kind": alert.kind,
            "topic": alert.alert.topic_name,
            **_line_json(alert.utterance),
            "source": "attendance" if alert.from_attendance else "transcript",
            "phrase": alert.phrase,
            "present": list(alert.present),
            "uncleared": list(alert.uncleared),
            "reason": alert.alert.reason,
            "joined": alert.joined or None,
            "active_since": _active_json(alert.active_since),
        }
        if summary:
            last = alert.mentions[-1].utterance if alert.mentions else None
            row["mention_count"] = len(alert.mentions)
            row["last_mention"] = _line_json(last) if last is not None else None
        else:
            row["mentions"] = [_mention_json(m) for m in alert.mentions]
        out.append(row)
    return out


def unknown_json(result: AuditResult) -> list[dict[str, Any]]:
    return [
        {"name": u.name, "source": u.source, "email": u.email or None,
         "at": offset_stamp(u.offset), **_line_json(u.utterance)}
        for u in result.unknown
    ]


Stays = tuple[str, str | None, str, tuple[str, ...], list[list[str | None]]]


def _stays(changes: list[PresenceChange]) -> list[Stays]:
    """Per person (name, party name or None, email, names as written): their stays, each
    ``[from, to]`` (to None: until the end)."""
    people: dict[tuple[str, str | None], Stays] = {}
    for change in changes:
        party = change.party.name if change.party is not None else None
        entry = people.setdefault((change.name, party),
                                  (change.name, party, change.email, change.written, []))
        spans = entry[4]
        if change.joined:
            spans.append([offset_stamp(max(change.offset, timedelta(0))), None])
        elif spans and spans[-1][1] is None:
            spans[-1][1] = offset_stamp(max(change.offset, timedelta(0)))
    return list(people.values())


def attendance_json(path: str, layout: str, origin: str,
                    changes: list[PresenceChange]) -> dict[str, Any]:
    return {
        "file": path,
        "layout": layout,
        "recording_start": origin,
        "people": [{"name": name, "party": party, "email": email or None,
                    "as_written": list(written), "in": [list(span) for span in spans]}
                   for name, party, email, written, spans in _stays(changes)],
    }


# -- text -------------------------------------------------------------------------------------


def _header(number: int, alert: AuditAlert) -> str:
    topic = printable(alert.alert.topic_name, 80)
    if alert.kind == "mention":
        what = (f"{topic} came up {len(alert.mentions)} time(s) while "
                f"{_names(alert.uncleared)} (not cleared) {'was' if len(alert.uncleared) == 1 else 'were'} present")
    elif alert.kind == "arrival":
        who = printable(alert.joined or "someone", 60)
        source = " (attendance report)" if alert.from_attendance else ""
        what = f"{who} came in{source} while {topic} was active"
    else:
        what = f"{topic} was marked active"
    return f"Alert {number} ({alert.kind}): {what}"


def _mention_lines(mention: AuditMention | None, utterance: Utterance, topic: str,
                   phrase: str, present: tuple[str, ...], uncleared: tuple[str, ...]) -> list[str]:
    speaker = printable(utterance.speaker or "-", 60)
    said = f"  phrase: {printable(phrase, 80)}" if phrase else ""
    return [
        f"  {_where(utterance)}  {speaker}: {printable(utterance.text, 200)}",
        f"      topic: {printable(topic, 80)}{said}",
        f"      present: {_names(present)}",
        f"      not cleared: {_names(uncleared)}",
    ]


def write_alerts(result: AuditResult, write: Any) -> None:
    """Every alert, then each mention under it (for an arrival: the arrival, and the mention
    that made the topic active)."""
    for number, alert in enumerate(result.alerts, start=1):
        write(_header(number, alert))
        if alert.kind == "mention":
            for mention in alert.mentions:
                for line in _mention_lines(mention, mention.utterance, mention.topic,
                                           mention.phrase, mention.present, mention.uncleared):
                    write(line)
            continue
        for line in _mention_lines(None, alert.utterance, alert.alert.topic_name, "",
                                   alert.present, alert.uncleared):
            write(line)
        active = alert.active_since
        if active is not None:
            write(f"      active since {_where(active.utterance)}: "
                  f"{printable(active.utterance.speaker or '-', 60)} said "
                  f"\"{printable(active.phrase, 80)}\" "
                  f"({printable(active.utterance.text, 120)})")


def write_summary_lines(result: AuditResult, write: Any) -> None:
    """``--summary``: one line per alert."""
    for alert in result.alerts:
        topic = printable(alert.alert.topic_name, 60)
        where = _where(alert.utterance)
        if alert.kind == "mention":
            last = alert.mentions[-1].utterance if alert.mentions else alert.utterance
            detail = (f"{len(alert.mentions)} mention(s), first \"{printable(alert.alert.phrase, 60)}\""
                      + (f", last at {_where(last)}" if len(alert.mentions) > 1 else ""))
        elif alert.kind == "arrival":
            detail = f"{printable(alert.joined or 'someone', 60)} came in"
            if alert.active_since is not None:
                detail += (f" (active since {_where(alert.active_since.utterance)}, "
                           f"\"{printable(alert.active_since.phrase, 60)}\")")
        else:
            detail = "marked active"
        write(f"{where}  {alert.kind:<7}  {topic}  {detail}  not cleared: "
              f"{_names(alert.uncleared)}")


def write_unknown(result: AuditResult, write: Any) -> None:
    if not result.unknown:
        return
    write("Unknown speakers, joined as guests (not cleared for any private topic):")
    for unknown in result.unknown:
        name = printable(unknown.name, 60)
        if unknown.source == "attendance":
            email = f" <{printable(unknown.email, 80)}>" if unknown.email else ""
            write(f"    {name}{email}  in the attendance report, came in at "
                  f"{offset_stamp(unknown.offset)}")
        else:
            write(f"    {name}  first at {_where(unknown.utterance)}"
                  + (f" (line {unknown.utterance.line_no})" if unknown.utterance.cue_time else "")
                  + f": {printable(unknown.utterance.text, 160)}")


def attendance_text(path: str, layout: str, origin: str,
                    changes: list[PresenceChange]) -> list[str]:
    lines = [f"Attendance from {printable(path, 200)} ({layout}; 00:00:00 is {origin}):"]
    for name, party, _, written, spans in _stays(changes):
        shown = ", ".join(f"{a}-{b or 'end'}" for a, b in spans)
        who = printable(name, 60) + ("" if party is not None else " (not a party)")
        others = [w for w in written if w != name]
        if others:
            who += f" (as {printable(', '.join(others), 120)})"
        lines.append(f"    {who}  in {shown}")
    return lines
