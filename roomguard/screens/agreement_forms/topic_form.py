"""Add or edit a private topic, with a live preview of which sample lines its phrases catch.

The coach types sample lines (things a client might say); as the phrases change, each line is
run through the same :class:`~roomguard.core.detection.Detector` a session uses, so what the
preview flags is exactly what would raise an alert. Sample lines are scratch space for this
form only: the next topic form starts without them.

Every line of the patterns field is a live regular expression, so the field shows its lines,
numbered and several rows high, and says under it how many patterns it holds and which line is
not a valid one (issue 18): a field one row high once hid its earlier lines, and sample
sentences typed there became live patterns.

Example sentences (issue 21): the semantic layer describes the topic by a few sentences of
what it sounds like when it comes up; the form suggests some from the name and phrases, and the
preview also shows, for each sample line, whether the semantic layer would flag it as a
possible topic and how strongly (scored in a thread: the model loads there, never on the way
to the form's first frame).

Word families (issue 19): under the phrases the form lists the other words each phrase will
match (diagnosis → diagnose, diagnostic, each with its inflections), from the same shipped data
a session uses (:mod:`roomguard.store.word_families`). The coach types any of them under
"Forms not to match" to exclude it; it is kept on the topic (``excluded_forms``) and shown
struck through.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static, TextArea

from roomguard.core.detection import Detector, invalid_patterns, normalise_phrase
from roomguard.core.models import PrivateTopic
from roomguard.core.normalize import WordFamilies, derived_forms
from roomguard.core.validation import validate_topic
from roomguard.live.semantic.scorer import suggest_examples
from roomguard.screens.agreement_forms.base import (
    AgreementForm,
    field_errors,
    lines_of,
    sentence,
)
from roomguard.store.word_families import word_families
from roomguard.widgets.literal import literal

MAX_PREVIEW_LINES = 12
MAX_FAMILY_LINES = 8


def preview_matches(
    topic: PrivateTopic, samples: Sequence[str], muted: Sequence[str] = ()
) -> list[tuple[str, list[str]]]:
    """Each sample line with the phrases (or patterns) of *topic* that it would trigger."""
    usable = copy.copy(topic)
    bad = {pattern for pattern, _ in invalid_patterns(topic.patterns)}
    usable.patterns = [p for p in topic.patterns if p not in bad]
    detector = Detector.from_topics([usable], muted, word_families())
    out: list[tuple[str, list[str]]] = []
    for line in samples:
        phrases: list[str] = []
        for hit in detector.scan(line):
            if hit.phrase not in phrases:
                phrases.append(hit.phrase)
        out.append((line, phrases))
    return out


def family_forms(
    topic: PrivateTopic, families: WordFamilies
) -> list[tuple[str, list[str], list[str]]]:
    """For each phrase with a family: the phrase, the derived words it will also match, and
    those the coach excluded (``excluded_forms``, compared folded)."""
    excluded = {normalise_phrase(form) for form in topic.excluded_forms}
    out: list[tuple[str, list[str], list[str]]] = []
    for phrase in topic.phrases:
        derived: list[str] = []
        for word in normalise_phrase(phrase).split():
            derived += [f for f in derived_forms(word, families) if f not in derived]
        if derived:
            out.append((phrase, [f for f in derived if f not in excluded],
                        [f for f in derived if f in excluded]))
    return out


def render_families(forms: list[tuple[str, list[str], list[str]]]) -> Text:
    if not forms:
        return Text("No phrase has a word family: each matches its own inflections only.",
                    style="dim")
    text = Text("Each phrase also matches (with inflections):", style="bold", end="")
    for phrase, kept, dropped in forms[:MAX_FAMILY_LINES]:
        text.append("\n")
        text.append_text(literal(phrase, limit=30))
        text.append(" → ", style="dim")
        text.append_text(literal(", ".join(kept) or "(none)", limit=70))
        if dropped:
            text.append("  ")
            text.append_text(literal(", ".join(dropped), style="strike dim", limit=40))
    if len(forms) > MAX_FAMILY_LINES:
        text.append(f"\n… and {len(forms) - MAX_FAMILY_LINES} more phrases", style="dim")
    return text


def describe_patterns(text: str) -> Text:
    """``3 patterns (one per line)``, then each line that is not a valid regular expression."""
    lines = text.splitlines()
    count = sum(1 for line in lines if line.strip())
    out = Text(f"{count} pattern{'s' if count != 1 else ''} (one per line)" if count
               else "No patterns", style="dim")
    for number, line in enumerate(lines, 1):
        for _, message in invalid_patterns([line.strip()]):
            out.append(f"\nline {number}: ", style="bold red")
            out.append_text(literal(message, style="red", limit=200))
    return out


def render_preview(matches: list[tuple[str, list[str]]]) -> Text:
    if not matches:
        return Text("Type sample lines above to see which ones this topic would flag.", style="dim")
    flagged = sum(1 for _, phrases in matches if phrases)
    text = Text(
        f"{flagged} of {len(matches)} sample line{'s' if len(matches) != 1 else ''} "
        "would raise an alert",
        style="bold",
        end="",
    )
    for line, phrases in matches[:MAX_PREVIEW_LINES]:
        text.append("\n")
        if phrases:
            text.append("✓ ", style="bold red")
            text.append_text(literal(line, limit=70))
            text.append("  ← ", style="dim")
            text.append_text(literal(", ".join(phrases), style="italic", limit=60))
        else:
            text.append("· ", style="dim")
            text.append_text(literal(line, style="dim", limit=70))
    if len(matches) > MAX_PREVIEW_LINES:
        text.append(f"\n… and {len(matches) - MAX_PREVIEW_LINES} more lines", style="dim")
    return text


class TopicForm(AgreementForm[PrivateTopic]):
    """Returns the new or edited :class:`PrivateTopic`."""

    FIELDS = ("name", "phrases", "patterns", "excluded")
    DISCARD_QUESTION = "Discard your changes to this topic?"

    def __init__(
        self,
        on_save: Callable[[PrivateTopic], bool],
        *,
        others: Sequence[PrivateTopic],
        shareable: Sequence[str],
        muted: Sequence[str] = (),
        existing: PrivateTopic | None = None,
    ) -> None:
        super().__init__(on_save)
        self.others = list(others)
        self.shareable = list(shareable)
        self.muted = list(muted)
        self.existing = existing

    def heading(self) -> str:
        return "Add a private topic" if self.existing is None else f"Edit {self.existing.name}"

    def body(self) -> ComposeResult:
        topic = self.existing
        yield self.label("Topic name (this is what the consent document shows)")
        yield Input(topic.name if topic else "", id="name", placeholder="e.g. Health")
        yield self.error_label("name")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield self.label("Detection phrases, one per line")
                yield TextArea(
                    "\n".join(topic.phrases) if topic else "",
                    id="phrases",
                    soft_wrap=True,
                    show_line_numbers=False,
                )
                yield self.error_label("phrases")
                yield self.label("Advanced: regular expressions, one per line")
                yield TextArea(
                    "\n".join(topic.patterns) if topic else "",
                    id="patterns",
                    soft_wrap=False,
                    show_line_numbers=True,
                )
                yield Static("", id="patterns-count", classes="hint", markup=False)
                yield self.error_label("patterns")
                yield self.label("Forms not to match, one per line (from the list below)")
                yield TextArea(
                    "\n".join(topic.excluded_forms) if topic else "",
                    id="excluded",
                    soft_wrap=True,
                    show_line_numbers=False,
                    classes="short",
                )
                yield self.error_label("excluded")
                yield Static("", id="families", classes="hint", markup=False)
            with Vertical(classes="column"):
                yield self.label("Sample lines to try them on")
                yield TextArea(
                    "",
                    id="samples",
                    soft_wrap=True,
                    show_line_numbers=False,
                    placeholder="e.g. I've been so burnt out since the reorg",
                )
                yield self.label("Preview")
                yield Static("", id="preview", classes="preview", markup=False)
                yield from self.example_fields()

    def candidate(self) -> PrivateTopic:
        topic = copy.deepcopy(self.existing) if self.existing else PrivateTopic("")
        topic.name = self.query_one("#name", Input).value.strip()
        topic.phrases = lines_of(self.query_one("#phrases", TextArea).text)
        topic.patterns = lines_of(self.query_one("#patterns", TextArea).text)
        topic.excluded_forms = lines_of(self.query_one("#excluded", TextArea).text)
        topic.examples = lines_of(self.query_one("#examples", TextArea).text)
        return topic

    def edited(self) -> None:
        samples_text = self.query_one("#samples", TextArea).text
        matches = preview_matches(self.candidate(), lines_of(samples_text), self.muted)
        self.query_one("#preview", Static).update(render_preview(matches))
        families = family_forms(self.candidate(), word_families())
        self.query_one("#families", Static).update(render_families(families))
        patterns = self.query_one("#patterns", TextArea).text
        self.query_one("#patterns-count", Static).update(describe_patterns(patterns))
        self.preview_meaning(self.candidate(), lines_of(samples_text))

    def snapshot(self) -> tuple[object, ...]:
        # Sample lines are scratch space: trying phrases on them is not an edit to lose.
        return (
            self.query_one("#name", Input).value,
            self.query_one("#phrases", TextArea).text,
            self.query_one("#patterns", TextArea).text,
            self.query_one("#excluded", TextArea).text,
            self.query_one("#examples", TextArea).text,
        )

    def errors(self) -> dict[str, str]:
        topic = self.candidate()
        errors = field_errors(validate_topic(topic, self.others, self.shareable))
        if "phrases" not in errors:
            problem = self._phrase_problem(topic)
            if problem:
                errors["phrases"] = sentence(problem)
        unknown = self._unknown_exclusions(topic)
        if unknown:
            errors["excluded"] = sentence(
                f'not a form any phrase matches: {", ".join(unknown)} (see the list below)')
        problems = invalid_patterns(topic.patterns)
        if problems:
            errors["patterns"] = "\n".join(
                sentence(f"{pattern}: {message}") for pattern, message in problems
            )
        return errors

    def _phrase_problem(self, topic: PrivateTopic) -> str | None:
        """Clashes the detector sees but a plain comparison does not: "lay-off" is "lay off"."""
        owner: dict[str, PrivateTopic] = {}
        for other in self.others:
            if other.id != topic.id:
                for phrase in other.phrases:
                    owner.setdefault(normalise_phrase(phrase), other)
        seen: dict[str, str] = {}
        for phrase in topic.phrases:
            key = normalise_phrase(phrase)
            if not key:
                return f'phrase "{phrase}" has no letters or digits, so it can never match'
            if key in seen:
                return f'phrase "{phrase}" means the same as "{seen[key]}" to the detector'
            if key in owner:
                return f'phrase "{phrase}" is already in topic {owner[key].name}'
            seen[key] = phrase
        return None

    def _unknown_exclusions(self, topic: PrivateTopic) -> list[str]:
        """Excluded forms that are no derived word of any phrase: a typo would exclude nothing."""
        known = {f for _, kept, dropped in family_forms(topic, word_families())
                 for f in (*kept, *dropped)}
        return [form for form in topic.excluded_forms if normalise_phrase(form) not in known]

    def result(self) -> PrivateTopic:
        return self.candidate()

    # ------------------------------------------------------------ the semantic layer (issue 21)
    def example_fields(self) -> ComposeResult:
        topic = self.existing
        yield self.label("Example sentences: what it sounds like when this comes up")
        yield TextArea("\n".join(topic.examples) if topic else "", id="examples",
                       soft_wrap=True, show_line_numbers=False, classes="short",
                       placeholder="e.g. I've been feeling low for weeks")
        yield Static("", id="suggestions", classes="hint", markup=False)
        yield Static("", id="meaning", classes="preview", markup=False)

    def preview_meaning(self, topic: PrivateTopic, samples: list[str]) -> None:
        suggestions = suggest_examples(topic.name, topic.phrases)
        self.query_one("#suggestions", Static).update(
            Text("Suggestions: " + " / ".join(suggestions), style="dim") if suggestions
            else Text(""))
        if os.environ.get("ROOMGUARD_SEMANTIC", "").lower() in ("off", "0", "no"):
            self.query_one("#meaning", Static).update(Text("Meaning preview off.", style="dim"))
            return
        self.run_worker(lambda: self._score_meaning(topic, samples), thread=True,
                        exclusive=True, group="topic-meaning")

    def _score_meaning(self, topic: PrivateTopic, samples: list[str]) -> None:
        """In a thread: each sample line's possible-topic score for *topic* alone."""
        from roomguard.live.semantic.lane import shared_encoder
        from roomguard.live.semantic.scorer import SemanticScorer, strength_of

        encoder, why = shared_encoder()
        if encoder is None:
            text = Text(f"Meaning preview unavailable: {why}.", style="dim")
        else:
            scorer = SemanticScorer(encoder, [topic])
            scored = [(line, scorer.best(line).score) for line in samples[:MAX_PREVIEW_LINES]]
            text = render_meaning(scored, scorer.threshold, strength_of)
        self.app.call_from_thread(self.query_one("#meaning", Static).update, text)


def render_meaning(scored: list[tuple[str, float]], threshold: float,
                   strength: Callable[[float], str]) -> Text:
    """Which sample lines the semantic layer would flag as a possible topic, and how strongly."""
    if not scored:
        return Text("")
    flagged = sum(1 for _, score in scored if score >= threshold)
    text = Text(f"By meaning: {flagged} of {len(scored)} would be a possible topic",
                style="bold", end="")
    for line, score in scored:
        text.append("\n")
        if score >= threshold:
            text.append("? ", style="bold yellow")
            text.append_text(literal(line, limit=60))
            text.append(f"  {strength(score)} ({score:.2f})", style="italic")
        else:
            text.append("· ", style="dim")
            text.append_text(literal(line, style="dim", limit=60))
            text.append(f"  ({score:.2f})", style="dim")
    return text
