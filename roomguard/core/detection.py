"""Find private topics in what is said: the phrases and patterns of each :class:`PrivateTopic`.

Matching rules a coach can rely on:

* case, accents and Unicode forms do not matter ("Café", "CAFE", "cafe\\u0301" are one word);
* whole words only: "therapist" never matches the phrase "rapist", "scarf" never "car";
* inside a multi-word phrase any run of spaces, hyphens or punctuation counts as one gap
  ("lay-off", "lay  off", "Lay, off" all match "lay off"), but a phrase never spans two lines;
* the last word of a phrase also matches its common inflections (divorce → divorces, divorced,
  divorcing; salary → salaries; plan → planned) and a two-word phrase its closed compound
  (lay off → layoff, layoffs);
* with word families (:data:`~roomguard.core.normalize.WordFamilies`, handed in when the
  detector is built), each word also matches the words derived from it or it from them
  (diagnosis → diagnose, diagnosed, diagnostic; separation → separated), still as whole words,
  except the forms a topic's ``excluded_forms`` list;
* a topic's ``patterns`` are regular expressions, case-insensitive, searched in the original
  text; invalid ones are skipped (:func:`invalid_patterns` says why, for the form);
* a muted phrase (a false alarm the coach silenced) never hits: any hit lying inside an
  occurrence of a muted phrase, its inflections included, is dropped.

How it stays fast: every phrase variant is compiled at build time into one Aho-Corasick
automaton. The text is folded with C-level string operations only
(:func:`~roomguard.core.normalize.search_form`: ``str.translate`` for ASCII), so no Python runs
per character. Each key carries its own word boundaries: a space or line break on each side
(`` divorce ``, ``\\ndivorce ``, …), and for multi-word phrases every gap of 1 to
``max_gap`` spaces (a comma and a space fold to two). Text with a longer run of separators, or
characters that do not fold one-to-one (accents as combining marks, "ß"), is folded with runs
collapsed to one space instead, which the same keys match. In the common aligned case a hit's
position in the form *is* its position in the text; otherwise hits are mapped back by counting
lines and words, and only the lines that hit are split into words.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from roomguard.core.models import PrivateTopic
from roomguard.core.normalize import (
    NO_FAMILIES,
    WordFamilies,
    normalise_phrase,
    phrase_variants,
    search_form,
    word_spans,
)

__all__ = ["Detector", "Hit", "invalid_patterns", "normalise_phrase"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One place in a text where a private topic came up."""

    topic_id: str
    topic_name: str
    phrase: str  # the configured phrase (or regex pattern) that matched
    start: int  # span in the ORIGINAL text passed to scan()
    end: int


@dataclass(frozen=True, slots=True)
class _Key:
    """What a phrase variant's automaton keys stand for: a phrase, a muted phrase, or both.

    Each key maps to ``(length of the key, its _Key)``: one variant has keys of several lengths.
    """

    words: int
    muted: bool
    phrases: tuple[tuple[int, str], ...]  # (topic index, configured phrase); empty when muted
    topic_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Pattern:
    topic: int
    source: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Topic:
    id: str
    name: str


# A span in the search form: (start, end, words, topic index or -1 for a muted span, phrase).
_FormSpan = tuple[int, int, int, int, str]
_Span = tuple[int, int]


def _compile(pattern: str) -> re.Pattern[str]:
    """A topic pattern compiled as the detector uses it; raises ``re.error`` or ``ValueError``."""
    regex = re.compile(pattern, re.IGNORECASE)
    if regex.fullmatch(""):
        raise ValueError("matches empty text, so it would flag every line")
    return regex


def invalid_patterns(patterns: Iterable[str]) -> list[tuple[str, str]]:
    """``(pattern, error message)`` for each pattern the detector would skip.

    Blank patterns are ignored rather than reported, like blank phrases.
    """
    problems: list[tuple[str, str]] = []
    for pattern in patterns:
        if not pattern.strip():
            continue
        try:
            _compile(pattern)
        except re.error as exc:
            problems.append((pattern, f"not a valid regular expression: {exc}"))
        except (ValueError, RecursionError, OverflowError) as exc:
            problems.append((pattern, str(exc) or type(exc).__name__))
    return problems


class Detector:
    """Every phrase and pattern of a set of topics, compiled once; scan text as often as needed."""

    __slots__ = ("_automaton", "_last", "_max_gap", "_patterns", "_phrase_count", "_topics")

    def __init__(
        self,
        topics: Sequence[_Topic],
        automaton: ahocorasick.Automaton | None,
        max_gap: int | None,
        patterns: Sequence[_Pattern],
        phrase_count: int,
    ) -> None:
        self._topics = tuple(topics)
        self._automaton = automaton
        self._max_gap = max_gap
        self._patterns = tuple(patterns)
        self._phrase_count = phrase_count
        # The last text scanned and its hits: a check asks first whether a line mentions a
        # topic, then judges the line, which scans it again.
        self._last: tuple[str, list[Hit]] = ("", [])

    @classmethod
    def from_topics(
        cls,
        topics: Iterable[PrivateTopic],
        muted_phrases: Iterable[str] = (),
        families: WordFamilies = NO_FAMILIES,
    ) -> Detector:
        """Compile *topics*; *muted_phrases* are false alarms that must never hit.

        *families* expands each phrase's words to their word families (once, here: scanning
        costs the same per byte however many forms there are); a muted phrase is never expanded.
        """
        muted: set[str] = set()
        for phrase in muted_phrases:
            muted |= phrase_variants(normalise_phrase(phrase))

        infos: list[_Topic] = []
        patterns: list[_Pattern] = []
        # variant -> topic index -> (is the phrase's own form, configured phrase)
        owners: dict[str, dict[int, tuple[bool, str]]] = {}
        watched: set[tuple[int, str]] = set()
        for index, topic in enumerate(topics):
            infos.append(_Topic(topic.id, topic.name))
            excluded = {normalise_phrase(form) for form in topic.excluded_forms}
            for phrase in topic.phrases:
                normalised = normalise_phrase(phrase)
                if not normalised or normalised in muted:
                    continue
                watched.add((index, normalised))
                for variant in phrase_variants(normalised, families, excluded):
                    own = variant == normalised
                    by_topic = owners.setdefault(variant, {})
                    if index not in by_topic or (own and not by_topic[index][0]):
                        by_topic[index] = (own, phrase.strip())
            for source in topic.patterns:
                if not source.strip():
                    continue
                try:
                    patterns.append(_Pattern(index, source, _compile(source)))
                except (re.error, ValueError, RecursionError, OverflowError):
                    continue  # reported to the form by invalid_patterns()

        variants = owners.keys() | muted
        max_gap = _max_gap([v.count(" ") + 1 for v in variants])
        automaton: ahocorasick.Automaton | None = None
        if variants:
            automaton = ahocorasick.Automaton()
            for variant in variants:
                is_muted = variant in muted
                # A muted variant suppresses itself, so its phrases need not be kept.
                by_topic = {} if is_muted else owners[variant]
                phrases = tuple((i, p) for i, (_, p) in sorted(by_topic.items()))
                topic_ids = frozenset(infos[i].id for i, _ in phrases)
                info = _Key(variant.count(" ") + 1, is_muted, phrases, topic_ids)
                for key in _keys(variant, max_gap or 1):
                    automaton.add_word(key, (len(key), info))
            automaton.make_automaton()
        return cls(infos, automaton, max_gap, patterns, len(watched))

    @property
    def phrase_count(self) -> int:
        """Distinct phrases being watched, per topic (blank, duplicate and muted ones left out)."""
        return self._phrase_count

    # -- scanning ---------------------------------------------------------------------------

    def scan(self, text: str) -> list[Hit]:
        """Every hit in *text*, ordered by start; overlapping hits of one topic kept once.

        When hits of the same topic overlap, the one starting first (the longest, on a tie) is
        kept: "lay off" and "off" on "lay off" give one hit, for "lay off".
        """
        if not text:
            return []
        last_text, last_hits = self._last
        if text == last_text:
            return list(last_hits)
        form, aligned = search_form(text, self._max_gap)
        matches = self._match(form)
        if not matches and not self._patterns:
            return []  # most lines: nothing to place
        hits = self._hits(text, form, aligned, matches)
        self._last = (text, hits)
        return list(hits)

    def topics_in(self, text: str) -> set[str]:
        """Ids of the topics that come up in *text*; the same as the topics of :meth:`scan`."""
        if not text:
            return set()
        form, aligned = search_form(text, self._max_gap)
        found: set[str] = set()
        if self._automaton is not None:
            for _, (_, key) in self._automaton.iter(form):
                if key.muted:
                    # Muting depends on where things are: let scan() work it out.
                    hits = self._hits(text, form, aligned, self._match(form))
                    return {hit.topic_id for hit in hits}
                found |= key.topic_ids
        for pattern in self._patterns:
            topic_id = self._topics[pattern.topic].id
            if topic_id not in found and _first_match(pattern.regex, text) is not None:
                found.add(topic_id)
        return found

    def _match(self, form: str) -> list[_FormSpan]:
        """Automaton matches in the search form, as word spans (padding spaces left out)."""
        if self._automaton is None:
            return []
        spans: list[_FormSpan] = []
        for last, (width, key) in self._automaton.iter(form):
            start, end = last - width + 2, last
            if key.muted:
                spans.append((start, end, key.words, -1, ""))
            else:
                spans.extend((start, end, key.words, topic, p) for topic, p in key.phrases)
        return spans

    def _hits(self, text: str, form: str, aligned: bool, matches: list[_FormSpan]) -> list[Hit]:
        regex_hits = [
            (m.start(), m.end(), p.topic, p.source)
            for p in self._patterns
            for m in p.regex.finditer(text)
            if m.end() > m.start()
        ]
        if not matches and not regex_hits:
            return []
        muted_form = [(s, e) for s, e, _, topic, _ in matches if topic < 0]
        phrase_matches = [m for m in matches if m[3] >= 0]
        if muted_form:
            inside = _Containment(muted_form)
            phrase_matches = [m for m in phrase_matches if not inside(m[0], m[1])]
        located: list[tuple[int, int, int, str]] = []
        need_muted = bool(muted_form and regex_hits)
        if phrase_matches or need_muted:
            muted_matches = [m for m in matches if m[3] < 0] if need_muted else []
            wanted = phrase_matches + muted_matches
            if aligned:
                spans = [(start - 1, end - 1) for start, end, *_ in wanted]
            else:
                spans = _locate(text, form, wanted)
            located = [
                (start, end, m[3], m[4])
                for (start, end), m in zip(spans, phrase_matches, strict=False)
                if end > start
            ]
            if need_muted:
                inside = _Containment(spans[len(phrase_matches) :])
                regex_hits = [h for h in regex_hits if not inside(h[0], h[1])]
        return self._collapse(located + regex_hits)

    def _collapse(self, hits: list[tuple[int, int, int, str]]) -> list[Hit]:
        hits.sort(key=lambda h: (h[0], -h[1], h[2]))
        kept: list[Hit] = []
        reach: dict[int, int] = {}  # topic index -> end of its last kept hit
        for start, end, topic, phrase in hits:
            if start < reach.get(topic, 0):
                continue
            reach[topic] = end
            info = self._topics[topic]
            kept.append(Hit(info.id, info.name, phrase, start, end))
        return kept


_KEY_BUDGET = 40_000  # automaton keys spent on spacings of multi-word phrases (build ~0.3 s)


def _max_gap(word_counts: Iterable[int]) -> int | None:
    """Longest separator run the keys allow between words: more means more keys per variant.

    ``None`` (no limit) when every phrase is one word. Otherwise the largest gap up to 6 (", "
    and " - " fold to 2 and 3 spaces, "... " to 4) with at most 64 spacings per variant and
    :data:`_KEY_BUDGET` keys in all; text with a longer run is folded the collapsed way instead.
    """
    multi = [n - 1 for n in word_counts if n > 1]
    if not multi:
        return None
    for gap in range(6, 1, -1):
        spacings = [gap**gaps for gaps in multi]
        if max(spacings) <= 64 and 4 * sum(spacings) <= _KEY_BUDGET:
            return gap
    return 1


def _keys(variant: str, max_gap: int) -> Iterable[str]:
    """The automaton keys of one phrase variant: each boundary and spacing it can appear with."""
    words = variant.split(" ")
    gaps = [" " * n for n in range(1, max_gap + 1)]
    for spacing in itertools.product(gaps, repeat=len(words) - 1):
        body = "".join(itertools.chain.from_iterable(zip(words, (*spacing, ""), strict=True)))
        for left, right in itertools.product(" \n", repeat=2):
            yield f"{left}{body}{right}"


class _Containment:
    """Is a span inside any of a set of spans? (sorted starts + running maximum of ends)"""

    __slots__ = ("_max_end", "_starts")

    def __init__(self, spans: Iterable[_Span]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._max_end: list[int] = []
        best = -1
        for _, end in ordered:
            best = max(best, end)
            self._max_end.append(best)

    def __call__(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self._starts, start) - 1
        return at >= 0 and self._max_end[at] >= end


def _first_match(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    return next((m for m in regex.finditer(text) if m.end() > m.start()), None)


def _locate(text: str, form: str, spans: list[_FormSpan]) -> list[_Span]:
    """Original ``(start, end)`` of each search-form span, in the order given.

    A search-form line holds the same words as the original line, each after one space, so a
    span's first word is word number ``spaces before it on its line - 1``; the original line is
    split into words only when it has a hit. Lines are found by counting ``"\\n"`` from one
    span to the next, so the whole cost stays linear however many hits there are.
    """
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    result: list[_Span] = [(0, 0)] * len(spans)
    pos = 0  # search-form position reached
    line_form_start = 0  # search-form index where the current line starts
    spaces = 0  # spaces between line_form_start and pos
    line_start = 0  # original index where the current line starts
    words: list[tuple[int, int]] | None = None
    for i in order:
        start, _, count, _, _ = spans[i]
        breaks = form.count("\n", pos, start)
        if breaks:
            line_form_start = form.rfind("\n", pos, start) + 1
            for _ in range(breaks):
                line_start = text.index("\n", line_start) + 1
            spaces = form.count(" ", line_form_start, start)
            words = None
        else:
            spaces += form.count(" ", pos, start)
        pos = start
        if words is None:
            line_end = text.find("\n", line_start)
            words = word_spans(text[line_start : line_end if line_end >= 0 else len(text)])
        first = spaces - 1
        last = first + count - 1
        if first >= 0 and last < len(words):
            result[i] = (line_start + words[first][0], line_start + words[last][1])
    return result
