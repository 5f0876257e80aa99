"""A possible topic in a live session, headless, with the real model: raised when a client
paraphrases a private topic with someone uncleared present; not when everyone present is
cleared, not for a topic the exact phrases already raised, not twice while one waits; a "no"
is remembered for the client; the journal records it and a resumed session knows it."""

from __future__ import annotations

from roomguard.core.events import AlertRaised, PossibleTopic, PossibleTopicAnswered
from roomguard.core.transcript import Utterance
from roomguard.live.session import LiveSession, MemorySink
from roomguard.live.view import LogKind
from roomguard.store import codec
from tests.semantic.helpers import T0, maya_and_her_agreement, needs_model, ready_lane

pytestmark = needs_model


def session(present: list[str]) -> tuple[LiveSession, MemorySink]:
    client, agreement = maya_and_her_agreement()
    sink = MemorySink()
    live = LiveSession(sink, client, agreement, lambda: T0)
    live.meaning.lane = ready_lane(agreement)
    from roomguard.core.models import SessionRecord
    live.begin_with(SessionRecord(client_id=client.id, started_at=T0,
                                  terms_version=agreement.terms.version), present)
    return live, sink


def heard(text: str, speaker: str = "Maya") -> Utterance:
    return Utterance(line_no=1, cue_time="", speaker=speaker, text=text)


def test_a_paraphrase_with_the_assistant_present_is_a_possible_topic() -> None:
    live, sink = session(["maya", "alex", "sam"])
    out = live.hear(heard("Honestly, my marriage is falling apart."))
    assert out.alerts == []  # no phrase: the exact layer is silent, as before
    (possible,) = out.possibles
    assert possible.topic_id == "marriage" and possible.uncleared == ["sam"]
    assert possible.score > 0
    assert not out.bell  # the calmer level
    assert any(e.kind is LogKind.POSSIBLE for e in out.log)
    assert [e for e in sink.events if isinstance(e, PossibleTopic)] == [possible]
    assert [v.possible for v in live.meaning.banner()] == [True]


def test_no_possible_topic_when_everyone_present_is_cleared() -> None:
    live, _ = session(["maya", "alex"])
    assert live.hear(heard("Honestly, my marriage is falling apart.")).possibles == []


def test_everyday_talk_is_not_a_possible_topic() -> None:
    live, _ = session(["maya", "alex", "sam"])
    for line in ("Can we move next week's session to Wednesday?",
                 "The therapist's office moved across town.",
                 "We need to separate the tasks between the two teams."):
        assert live.hear(heard(line)).possibles == [], line


def test_an_exact_phrase_alert_is_not_doubled_by_a_possible_topic() -> None:
    live, _ = session(["maya", "alex", "sam"])
    out = live.hear(heard("We are talking about divorce, my marriage is falling apart."))
    assert [a.topic_id for a in out.alerts] == ["marriage"]
    assert out.possibles == []


def test_one_possible_topic_waits_per_topic() -> None:
    live, _ = session(["maya", "alex", "sam"])
    assert live.hear(heard("My marriage is falling apart.")).possibles
    assert live.hear(heard("I don't think my husband loves me any more.")).possibles == []


def test_the_line_before_is_pooled_with_the_line() -> None:
    """A thought spread over two cues: the window (the two lines' token vectors pooled) scores
    the line higher than it scores alone. (Pooling is weaker than encoding the two lines
    together, and costs no second encoding: see scorer.py.)"""
    live, _ = session(["maya", "alex", "sam"])
    assert live.meaning.lane is not None and live.meaning.lane.scorer is not None
    scorer = live.meaning.lane.scorer
    alone = scorer.best("He packed a bag and left on Sunday.")
    together = scorer.best("He packed a bag and left on Sunday.",
                           "Things at home have been really hard.")
    assert together.window
    assert together.score > alone.score


def test_no_is_remembered_for_the_client_and_weighs_on_later_lines() -> None:
    live, sink = session(["maya", "alex", "sam"])
    (possible,) = live.hear(heard("My marriage is falling apart.")).possibles
    out = live.meaning.answer(possible.id, confirmed=False)
    assert live.agreement.not_topic_lines == ["My marriage is falling apart."]
    assert isinstance(sink.events[-1], PossibleTopicAnswered)
    assert not sink.events[-1].confirmed
    assert out.notices and live.meaning.waiting() == []
    assert live.meaning.lane is not None
    assert "My marriage is falling apart." in live.meaning.lane.negatives
    # the same line again now weighs with everyday talk
    assert live.hear(heard("My marriage is falling apart.")).possibles == []


def test_yes_it_was_is_recorded() -> None:
    live, sink = session(["maya", "alex", "sam"])
    (possible,) = live.hear(heard("My marriage is falling apart.")).possibles
    live.meaning.answer(possible.id, confirmed=True)
    assert sink.events[-1] == PossibleTopicAnswered(sink.events[-1].at, possible.id, True)
    assert live.agreement.not_topic_lines == []
    assert live.meaning.answer(possible.id, confirmed=False).notices[0].severity == "warning"


def test_possible_topics_round_trip_through_the_journal_codec() -> None:
    live, sink = session(["maya", "alex", "sam"])
    live.hear(heard("My marriage is falling apart."))
    for event in sink.events:
        assert codec.load_event(codec.dump_event(event)) == event


def test_a_session_without_a_lane_judges_by_phrases_alone() -> None:
    client, agreement = maya_and_her_agreement()
    live = LiveSession(MemorySink(), client, agreement, lambda: T0)
    live.begin()
    live.toggle("sam")
    out = live.hear(heard("My marriage is falling apart."))
    assert out.possibles == [] and live.status().meaning == ""
    out = live.hear(heard("We are getting a divorce."))
    assert [type(a) for a in out.alerts] == [AlertRaised]
