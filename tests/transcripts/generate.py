"""Transcripts too big to keep in the repository, generated the same way every time."""

from __future__ import annotations

import random

SPEAKERS = ("Dana Okafor", "Sam Reyes", "Priya Shah", "Tom O'Neill")
WORDS = [
    "goal",
    "review",
    "week",
    "manager",
    "team",
    "plan",
    "feedback",
    "progress",
    "budget",
    "family",
    "health",
    "time",
    "project",
    "deadline",
    "promotion",
    "meeting",
    "we",
    "I",
    "you",
    "they",
    "should",
    "could",
    "talk",
    "about",
    "next",
    "really",
]


def _stamp(millis: int) -> str:
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def long_webvtt(cues: int = 20_000, *, seconds: int = 7200, seed: int = 7) -> str:
    """A *seconds*-long WebVTT with *cues* cues in the shapes real captioners write.

    Cue i (0-based) starts at ``i * seconds / cues`` and its text contains the marker
    ``#i`` so a test can check that every cue came through exactly once and in order.
    Every 7th cue has two text lines, every 5th uses a ``<v.class Name>`` voice with a class,
    every 11th a ``Name:`` prefix instead of a voice, every 13th has styling tags, and a NOTE
    block appears every 500 cues.
    """
    rnd = random.Random(seed)
    step = seconds * 1000 // cues
    out = ["WEBVTT - generated meeting\nKind: captions\nLanguage: en\n"]
    for i in range(cues):
        if i % 500 == 0:
            out.append(f"NOTE section {i // 500}\nnot spoken\n")
        start, end = i * step, i * step + step - 20
        speaker = SPEAKERS[i % len(SPEAKERS)]
        words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 12)))
        if i % 13 == 0:
            words = f"<i>{words}</i> <c.yellow>&amp; more</c>"
        text = f"#{i} {words}"
        if i % 7 == 0:
            text += "\n" + " ".join(rnd.choice(WORDS) for _ in range(4))
        if i % 11 == 0:
            body = f"{speaker}: {text}"
        elif i % 5 == 0:
            body = f"<v.loud.fast {speaker}>{text}</v>"
        else:
            body = f"<v {speaker}>{text}</v>"
        out.append(f"cue-{i}\n{_stamp(start)} --> {_stamp(end)} align:start line:90%\n{body}\n")
    return "\n".join(out)
