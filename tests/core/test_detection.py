"""The topic detector: the matching rules a coach relies on, as a table and as properties."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.detection import Detector, Hit, invalid_patterns, normalise_phrase
from roomguard.core.models import PrivateTopic
from roomguard.core.normalize import inflections, phrase_variants, search_form, word_spans

FAMILY = PrivateTopic(
    "Family",
    phrases=["divorce", "step-father", "ex wife", "custody", "rapist", "car", "café", "Straße"]
    + ["离婚", "หย่า", "会社"],
    id="family",
)
WORK = PrivateTopic(
    "Work",
    phrases=["lay off", "layoff", "salary", "plan", "redundancy", "agree", "worry", "box"],
    patterns=[r"\bIVF\b", r"P\.?I\.?P"],
    id="work",
)
HEALTH = PrivateTopic("Health", phrases=["court", "panic", "wife", "hop", "visit"], id="health")
DETECTOR = Detector.from_topics([FAMILY, WORK, HEALTH])


def matched(text: str, detector: Detector = DETECTOR) -> list[tuple[str, str]]:
    """(topic id, matched original text) for each hit."""
    return [(h.topic_id, text[h.start : h.end]) for h in detector.scan(text)]


# -- the rules, one row each ----------------------------------------------------------------

CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    # case
    ("case: upper", "DIVORCE papers", [("family", "DIVORCE")]),
    ("case: mixed", "the DiVoRcE", [("family", "DiVoRcE")]),
    # Unicode
    ("accent in text", "a café", [("family", "café")]),
    ("accent missing in text", "a cafe", [("family", "cafe")]),
    ("accent upper", "CAFÉ!", [("family", "CAFÉ")]),
    ("accent as combining mark", "cafe\u0301 time", [("family", "cafe\u0301")]),
    ("sharp s", "in der strasse", [("family", "strasse")]),
    ("sharp s in text", "STRASSE und Straße", [("family", "STRASSE"), ("family", "Straße")]),
    ("fullwidth letters", "ｄｉｖｏｒｃｅ", [("family", "ｄｉｖｏｒｃｅ")]),
    ("ligature", "a ﬁnancial plan", [("work", "plan")]),
    ("curly quotes around", "“Divorce” they said", [("family", "Divorce")]),
    # whole words
    ("therapist is not rapist", "my therapist said", []),
    ("rapist alone", "a rapist", [("family", "rapist")]),
    ("scarf is not car", "a red scarf", []),
    ("carpet is not car", "carpet and Oscar", []),
    ("caring is not car", "caring, cared, cares", []),
    ("hoping is not hop", "hoping and hoped", []),
    ("prefix inside word", "divorcee", []),
    ("digits glue words", "divorce2 and 2divorce", []),
    ("underscore separates", "divorce_papers", [("family", "divorce")]),
    # gaps inside multi-word phrases
    ("single space", "a lay off", [("work", "lay off")]),
    ("hyphen", "a lay-off", [("work", "lay-off")]),
    ("double space", "a lay  off", [("work", "lay  off")]),
    ("comma", "lay, off", [("work", "lay, off")]),
    ("tab", "lay\toff", [("work", "lay\toff")]),
    ("em dash", "lay—off", [("work", "lay—off")]),
    ("long run of punctuation", "lay ...---... off", [("work", "lay ...---... off")]),
    ("hyphen phrase, spaced text", "my step father", [("family", "step father")]),
    ("hyphen phrase, hyphen text", "my step-father", [("family", "step-father")]),
    ("hyphen phrase, closed compound", "my stepfather", [("family", "stepfather")]),
    ("spaced phrase, hyphen text", "my ex-wife", [("family", "ex-wife"), ("health", "wife")]),
    ("never across lines", "lay\noff", []),
    ("never across CRLF lines", "lay\r\noff", []),
    # inflections of the last word
    ("plural s", "big layoffs", [("work", "layoffs")]),
    (
        "plural of closed compound",
        "lay-offs and layoffs",
        [("work", "lay-offs"), ("work", "layoffs")],
    ),
    ("y to ies", "salaries", [("work", "salaries")]),
    ("ed after e", "divorced", [("family", "divorced")]),
    ("ing dropping e", "divorcing", [("family", "divorcing")]),
    ("plural after e", "divorces", [("family", "divorces")]),
    ("doubling ed", "we planned", [("work", "planned")]),
    ("doubling ing", "planning", [("work", "planning")]),
    ("plain s", "plans", [("work", "plans")]),
    ("ee keeps e", "agreed, agreeing", [("work", "agreed"), ("work", "agreeing")]),
    ("y to ied", "worried, worrying", [("work", "worried"), ("work", "worrying")]),
    ("es after x", "boxes", [("work", "boxes")]),
    ("f to ves", "their wives", [("health", "wives")]),
    ("c to ck", "panicked", [("health", "panicked")]),
    (
        "two syllables keep both",
        "visited, visiting",
        [("health", "visited"), ("health", "visiting")],
    ),
    ("first word is not inflected", "lays off", []),
    ("only the last word", "ex wives", [("family", "ex wives"), ("health", "wives")]),
    # regular expressions
    ("regex", "about ivf", [("work", "ivf")]),
    ("regex on original text", "P.I.P. next week", [("work", "P.I.P")]),
    # spans in a longer text
    ("spans in text", "Big LAY-OFFS coming", [("work", "LAY-OFFS")]),
    (
        "spans on later lines with accents",
        "first line\nnothing here\nla cafe\u0301, then DIVORCE",
        [("family", "cafe\u0301"), ("family", "DIVORCE")],
    ),
    ("emoji and RTL around", "😀divorce\u200f🙂", [("family", "divorce\u200f")]),
    ("soft hyphen inside", "divor\u00adce", [("family", "divor\u00adce")]),
    # scripts written without spaces match as character sequences
    ("Chinese inside a sentence", "我离婚了。", [("family", "离婚")]),
    ("Thai inside a sentence", "เขาหย่าแล้ว", [("family", "หย่า")]),
    ("compatibility ideograph", "㍿の", [("family", "㍿")]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matching_rule(text: str, expected: list[tuple[str, str]]) -> None:
    assert matched(text) == expected
    assert DETECTOR.topics_in(text) == {topic for topic, _ in expected}


def test_hit_names_the_topic_and_the_configured_phrase() -> None:
    [hit] = DETECTOR.scan("Big LAY-OFFS coming")
    assert hit == Hit("work", "Work", "lay off", 4, 12)
    [hit] = DETECTOR.scan("is it ivf?")
    assert hit == Hit("work", "Work", r"\bIVF\b", 6, 9)


def test_hits_are_ordered_by_start() -> None:
    text = "salary and custody and ivf and a car"
    starts = [h.start for h in DETECTOR.scan(text)]
    assert starts == sorted(starts) and len(starts) == 4


def test_overlapping_hits_of_one_topic_collapse_to_the_longest() -> None:
    topic = PrivateTopic("Work", ["lay off", "off", "lay off work"], id="work")
    detector = Detector.from_topics([topic])
    assert matched("they lay off work", detector) == [("work", "lay off work")]
    assert len(detector.scan("off and off")) == 2


def test_overlapping_hits_of_different_topics_are_all_kept() -> None:
    a = PrivateTopic("A", ["ex wife"], id="a")
    b = PrivateTopic("B", ["wife"], id="b")
    assert matched("my ex wife", Detector.from_topics([a, b])) == [("a", "ex wife"), ("b", "wife")]


def test_same_phrase_in_two_topics_hits_both() -> None:
    a = PrivateTopic("A", ["money"], id="a")
    b = PrivateTopic("B", ["Money"], id="b")
    assert matched("no money", Detector.from_topics([a, b])) == [("a", "money"), ("b", "money")]


def test_repeated_words_each_hit() -> None:
    assert matched("divorce divorce") == [("family", "divorce"), ("family", "divorce")]


# -- muted phrases ----------------------------------------------------------------------------


def test_muted_phrase_never_hits_nor_its_inflections() -> None:
    detector = Detector.from_topics([FAMILY], muted_phrases=["Divorce"])
    assert detector.scan("divorce, divorced, divorcing") == []
    assert detector.topics_in("divorce") == set()
    assert matched("custody", detector) == [("family", "custody")]


def test_muted_context_silences_only_inside_it() -> None:
    detector = Detector.from_topics([HEALTH], muted_phrases=["court reporter"])
    assert detector.scan("the court reporter typed") == []
    assert detector.topics_in("the court-reporters typed") == set()
    assert matched("court reporter, then court", detector) == [("health", "court")]
    assert detector.topics_in("court reporter, then court") == {"health"}


def test_muted_context_silences_regex_hits_inside_it() -> None:
    work = PrivateTopic("Work", patterns=[r"report\w*"], id="work")
    detector = Detector.from_topics([work], muted_phrases=["court reporter"])
    assert detector.scan("court reporter") == []
    assert matched("court reporter\nsee report", detector) == [("work", "report")]


def test_muted_matched_form_leaves_other_forms() -> None:
    detector = Detector.from_topics([FAMILY], muted_phrases=["divorced"])
    assert matched("divorced or divorce", detector) == [("family", "divorce")]


# -- configuration ----------------------------------------------------------------------------


def test_blank_phrases_and_patterns_are_ignored() -> None:
    topic = PrivateTopic("T", phrases=["", "   ", "\t", "--", "money"], patterns=["", "  "])
    detector = Detector.from_topics([topic])
    assert detector.phrase_count == 1
    assert matched("a -- b", detector) == []
    assert len(detector.scan("money")) == 1


def test_phrase_count_leaves_out_duplicates_and_muted() -> None:
    topic = PrivateTopic("T", phrases=["Divorce", "divorce ", "lay-off", "Lay off", "money"])
    assert Detector.from_topics([topic]).phrase_count == 3
    assert Detector.from_topics([topic], muted_phrases=["MONEY"]).phrase_count == 2


def test_no_topics_no_hits() -> None:
    detector = Detector.from_topics([])
    assert detector.phrase_count == 0
    assert detector.scan("anything at all") == [] and detector.topics_in("anything") == set()
    assert Detector.from_topics([], muted_phrases=["x"]).scan("x") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Divorce", "divorce"),
        (" lay-off ", "Lay  off"),
        ("CAFÉ", "cafe"),
        ("Step–Father", "step father"),
    ],
)
def test_duplicates_compare_equal(a: str, b: str) -> None:
    assert normalise_phrase(a) == normalise_phrase(b)


def test_normalise_phrase_of_blank_is_empty() -> None:
    assert normalise_phrase("  -- ") == ""


def test_invalid_patterns_are_reported_and_skipped() -> None:
    problems = dict(invalid_patterns(["(unclosed", "ok+", "a*", "", "[z-a]"]))
    assert set(problems) == {"(unclosed", "a*", "[z-a]"}
    assert "empty" in problems["a*"]
    topic = PrivateTopic("T", patterns=["(unclosed", "a*", "salar(y|ies)"], id="t")
    detector = Detector.from_topics([topic])
    assert matched("the SALARY", detector) == [("t", "SALARY")]


def test_long_phrase_still_matches_with_any_gaps() -> None:
    long = PrivateTopic("T", ["one two three four five six seven eight nine"], id="t")
    detector = Detector.from_topics([long])
    text = "x One, two - three  four five\tsix seven...eight nine!"
    assert matched(text, detector) == [("t", text[2:-1])]


def test_inflections_keep_false_alarms_out() -> None:
    assert "caring" not in inflections("car")
    assert "planed" not in inflections("plan")
    assert inflections("ex") == {"ex"}
    assert inflections("café") == {"café"}
    assert {"salaries", "divorcing", "planned", "layoffs"} <= (
        inflections("salary") | inflections("divorce") | inflections("plan") | inflections("layoff")
    )


def test_one_typical_line_is_fast() -> None:
    import time

    line = "Client: I think the meeting with my manager went well, but I'm still worried about it."
    DETECTOR.scan(line)
    t0 = time.perf_counter()
    for _ in range(200):
        DETECTOR.scan(line)
    assert (time.perf_counter() - t0) / 200 < 0.001


# -- properties -------------------------------------------------------------------------------

STEM_LETTERS = "abcdefghijklm"  # phrases are built from these ...
OTHER_LETTERS = "nopqrstuvwxyz"  # ... text that must not hit only from these
SEPARATORS = [" ", "-", ", ", "  ", " - ", "...", "\t", "—", " / ", "_", "'", "\u00a0", "(", ")"]

stems = st.text(alphabet=STEM_LETTERS, min_size=3, max_size=8)
phrase_words = st.lists(stems, min_size=1, max_size=3)
other_words = st.lists(st.text(alphabet=OTHER_LETTERS, min_size=1, max_size=8), max_size=6)


def recase(text: str, data: st.DataObject) -> str:
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


@given(words=phrase_words, before=other_words, after=other_words, data=st.data())
def test_any_case_and_gaps_between_words_still_match(
    words: list[str], before: list[str], after: list[str], data: st.DataObject
) -> None:
    phrase = " ".join(words)
    detector = Detector.from_topics([PrivateTopic("T", [phrase], id="t")])
    last = data.draw(st.sampled_from(sorted(inflections(words[-1]))))
    gaps = [data.draw(st.sampled_from(SEPARATORS)) for _ in words[1:]]
    body = "".join(w + g for w, g in zip(words[:-1], gaps, strict=True)) + last
    body = recase(body, data)
    outside = data.draw(st.sampled_from(SEPARATORS))
    text = outside.join([*before, body, *after])
    hits = detector.scan(text)
    assert [text[h.start : h.end] for h in hits] == [body]
    assert detector.topics_in(text) == {"t"}


@given(
    phrases=st.lists(st.lists(stems, min_size=1, max_size=3).map(" ".join), min_size=1),
    words=st.lists(st.text(alphabet=OTHER_LETTERS + OTHER_LETTERS.upper() + "0123456789")),
    seps=st.lists(st.sampled_from([*SEPARATORS, "\n", "ñ", "😀"]), min_size=1),
)
def test_text_without_phrase_letters_never_hits(
    phrases: list[str], words: list[str], seps: list[str]
) -> None:
    detector = Detector.from_topics([PrivateTopic("T", phrases)])
    text = "".join(w + seps[i % len(seps)] for i, w in enumerate(words))
    assert detector.scan(text) == []
    assert detector.topics_in(text) == set()


PROPERTY_TOPICS = [
    PrivateTopic("A", ["lay off", "salary", "café", "ex wife", "x"], id="a"),
    PrivateTopic(
        "B", ["divorce", "wife", "straße", "İstanbul", "ﬁne", "离婚"], patterns=["sal"], id="b"
    ),
]
PROPERTY_DETECTOR = Detector.from_topics(PROPERTY_TOPICS, muted_phrases=["salary cap"])
SNIPPETS = [
    "lay-off", "Lay  Offs", "SALARIES", "Cafe\u0301", "CAFÉ", "ex-wives", "divorcing", "Strasse",
    "ISTANBUL", "fine", "salary cap", "x", "\u0301", "\u200f", "\u202e", "😀", "👩‍👩‍👧", "\r\n", "\n",
    "      ", "ß", "ﬁ", "\ud800", "\x00", "\x1b[31m", "ا", "שלום", "\ufeff", "离婚", "我", "婚",
]  # fmt: skip
any_text = st.lists(
    st.one_of(
        st.sampled_from(SNIPPETS),
        st.text(st.characters(exclude_categories=()), max_size=8),
        st.text(alphabet=" -,.", max_size=3),
    ),
    max_size=25,
).map("".join)


def variants_of(phrase: str) -> set[str]:
    return phrase_variants(normalise_phrase(phrase))


@given(any_text)
def test_scan_never_fails_and_spans_point_at_a_phrase(text: str) -> None:
    hits = PROPERTY_DETECTOR.scan(text)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    patterns = {p for t in PROPERTY_TOPICS for p in t.patterns}
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        found = text[hit.start : hit.end]
        if hit.phrase in patterns:
            assert found.casefold() == hit.phrase
        else:
            assert normalise_phrase(found) in variants_of(hit.phrase), (found, hit.phrase)
    assert PROPERTY_DETECTOR.topics_in(text) == {h.topic_id for h in hits}


@given(any_text, st.sampled_from(["\n\u0301", "\n" + " " * 9, "\nß"]))
def test_both_ways_of_folding_agree(text: str, tail: str) -> None:
    """A last line that forces the collapsed (unaligned) form changes nothing before it."""
    _, aligned = search_form(text + tail, max_gap=6)
    assert not aligned
    assert PROPERTY_DETECTOR.scan(text + tail) == PROPERTY_DETECTOR.scan(text)


@given(st.text(alphabet=string.ascii_letters + " \n-,.", max_size=200))
def test_aligned_and_collapsed_paths_give_the_same_hits(text: str) -> None:
    combining = text + "\n\u0301"
    assert PROPERTY_DETECTOR.scan(combining) == PROPERTY_DETECTOR.scan(text)


def brute_force(topics: list[PrivateTopic], text: str) -> set[tuple[str, int, int]]:
    """Every (topic, start, end) found by comparing word sequences line by line: no automaton."""
    found: set[tuple[str, int, int]] = set()
    offset = 0
    for line in text.split("\n"):
        spans = word_spans(line)
        words = [normalise_phrase(line[s:e]) for s, e in spans]
        for topic in topics:
            for phrase in topic.phrases:
                for variant in variants_of(phrase):
                    want = variant.split(" ")
                    for i in range(len(words) - len(want) + 1):
                        if words[i : i + len(want)] == want:
                            end = spans[i + len(want) - 1][1]
                            found.add((topic.id, offset + spans[i][0], offset + end))
        offset += len(line) + 1
    return found


ORACLE_TOPICS = [PrivateTopic(t.name, t.phrases, id=t.id) for t in PROPERTY_TOPICS]
ORACLE_DETECTOR = Detector.from_topics(ORACLE_TOPICS)


@given(any_text)
def test_hits_agree_with_a_brute_force_word_comparison(text: str) -> None:
    expected = brute_force(ORACLE_TOPICS, text)
    hits = {(h.topic_id, h.start, h.end) for h in ORACLE_DETECTOR.scan(text)}
    assert hits <= expected
    for topic, start, end in expected:  # collapsed ones overlap a kept hit of the topic
        assert any(t == topic and s < end and start < e for t, s, e in hits)
