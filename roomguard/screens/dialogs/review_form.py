"""Mark an agreement reviewed: outcome, who took part, notes, and when the next review is.

The next date starts as the cadence's suggestion and can be typed over in any form
:mod:`roomguard.core.dates` reads (``2027-02-25``, ``25 Feb 2027``, ``+12w``, ``in 3 months``).
What it will be saved as shows under the field as it is typed; a date that can't be read, or
that isn't after the review, gets an inline error and nothing is saved.

The form saves the review itself (a failed save keeps it open) and dismisses with the logged
:class:`~roomguard.core.models.Review`, or None when cancelled.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from roomguard.core.cadence import CadenceError
from roomguard.core.checkins import (
    ReviewError,
    endable_parties,
    next_review_problem,
    record_review,
    suggested_next_review,
)
from roomguard.core.dates import EXAMPLES, DateInputError, describe_date, describe_parse
from roomguard.core.dates import parse_date_input as parse_date
from roomguard.core.models import Agreement, Client, Participant, Review, ReviewOutcome
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError
from roomguard.widgets.literal import literal


@dataclass(frozen=True, slots=True)
class DateReading:
    """What a typed date field holds: the date (if usable), the read-back, or the error."""

    value: date | None
    preview: str
    error: str


def read_date(
    text: str, today: date, dayfirst: bool, check: Callable[[date], str | None]
) -> DateReading:
    """Read *text* as a date; *check* adds a rule of the form's own (e.g. "after today")."""
    if not text.strip():
        return DateReading(None, "", f"Enter the date, {EXAMPLES}.")
    try:
        value = parse_date(text, today, dayfirst)
        preview = "parsed: " + describe_parse(text, today, dayfirst)
    except DateInputError as exc:
        return DateReading(None, "", str(exc))
    problem = check(value)
    if problem is not None:
        return DateReading(None, preview, problem)
    return DateReading(value, preview, "")


def party_label(participant: Participant) -> Text:
    label = literal(participant.name, limit=80)
    label.append(f" ({participant.role.label})", style="dim")
    return label


class ReviewForm(UsesHost, DiscardGuard[Review]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#outcome"
    DEFAULT_CSS = """
    ReviewForm .dialog { width: 80; }
    ReviewForm #notes { height: 4; }
    ReviewForm .dialog .error.-empty { display: none; }
    ReviewForm #took-part { height: auto; }
    ReviewForm #party-row { height: auto; }
    ReviewForm .preview { color: $text-muted; height: auto; }
    ReviewForm .hint { color: $text-muted; height: auto; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    DISCARD_QUESTION = "Discard this review?"

    def __init__(self, client: Client, agreement: Agreement, today: date, *, dayfirst: bool = True):
        super().__init__()
        self.client = client
        self.agreement = agreement
        self.today = today
        self.dayfirst = dayfirst
        self.parties = agreement.active_participants(today)
        self.endable = endable_parties(agreement, today)
        self.suggestion_problem = ""
        try:
            self.suggested: date | None = suggested_next_review(agreement, today)
        except CadenceError as exc:
            self.suggested = None
            self.suggestion_problem = str(exc)

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        outcomes = [o for o in ReviewOutcome if o is not ReviewOutcome.END_PARTY or self.endable]
        with DialogFrame(classes="dialog"):
            title = Text("Mark reviewed: ")
            title.append_text(literal(self.client.name, limit=80))
            title.append(f" — {describe_date(self.today)}", style="dim")
            yield Static(title, classes="title")

            yield Label("Outcome", classes="field-label")
            yield Select(
                [(o.value.capitalize(), o) for o in outcomes],
                value=ReviewOutcome.CONTINUE,
                allow_blank=False,
                id="outcome",
            )
            yield Static(
                "After saving, the agreement editor opens to amend the terms.",
                id="amend-hint",
                classes="hint hidden",
            )
            with Vertical(id="party-row", classes="hidden"):
                yield Label("Whose involvement ends", classes="field-label")
                yield Select(
                    [(party_label(p), p.id) for p in self.endable],
                    prompt="Choose a party",
                    id="party",
                )
                yield Label("", id="party-error", classes="error -empty", markup=False)

            yield Label("Who took part", classes="field-label")
            with Vertical(id="took-part"):
                for index, participant in enumerate(self.parties):
                    yield Checkbox(
                        party_label(participant), True, id=f"took-part-{index}", compact=True
                    )
            yield Label("", id="participants-error", classes="error -empty", markup=False)

            yield Label("Notes", classes="field-label")
            yield TextArea(id="notes", soft_wrap=True)

            yield Label("Next review", classes="field-label")
            yield Static(self._cadence_hint(), classes="hint")
            yield Input(
                self.suggested.isoformat() if self.suggested else "",
                placeholder=EXAMPLES.removeprefix("e.g. "),
                id="next",
            )
            yield Static("", id="next-preview", classes="preview")
            yield Label("", id="next_review-error", classes="error -empty", markup=False)
            yield Label("", id="form-error", classes="error -empty", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save review", id="save", variant="primary")

    def _cadence_hint(self) -> Text:
        hint = Text("Cadence: ")
        hint.append_text(literal(self.agreement.cadence.describe()))
        if self.suggested is not None:
            hint.append(f" → suggested {describe_date(self.suggested)}")
        else:
            hint.append_text(literal(f" → no date ({self.suggestion_problem}); enter one"))
        return hint

    def on_mount(self) -> None:
        self._show_next(self.query_one("#next", Input).value)

    # ----------------------------------------------------------------- fields
    def outcome(self) -> ReviewOutcome:
        value = self.query_one("#outcome", Select).value
        return value if isinstance(value, ReviewOutcome) else ReviewOutcome.CONTINUE

    def took_part(self) -> list[str]:
        return [
            participant.id
            for index, participant in enumerate(self.parties)
            if self.query_one(f"#took-part-{index}", Checkbox).value
        ]

    def ended_party(self) -> str | None:
        value = self.query_one("#party", Select).value
        return value if isinstance(value, str) else None

    def reading(self) -> DateReading:
        return read_date(
            self.query_one("#next", Input).value,
            self.today,
            self.dayfirst,
            lambda d: next_review_problem(d, self.today),
        )

    def _show_next(self, text: str) -> None:
        reading = self.reading()
        self.query_one("#next-preview", Static).update(literal(reading.preview))
        self._set_error("next_review", reading.error if text.strip() or self._tried else "")

    def _set_error(self, field: str, message: str) -> None:
        label = self.query_one(f"#{field}-error", Label)
        label.update(message)
        label.set_class(not message, "-empty")

    _tried = False  # errors for an empty field show only once Save was pressed

    @on(Input.Changed, "#next")
    def _next_changed(self, event: Input.Changed) -> None:
        self._show_next(event.value)

    @on(Select.Changed, "#outcome")
    def _outcome_changed(self) -> None:
        outcome = self.outcome()
        self.query_one("#party-row").set_class(outcome is not ReviewOutcome.END_PARTY, "hidden")
        self.query_one("#amend-hint").set_class(outcome is not ReviewOutcome.AMEND, "hidden")
        if outcome is not ReviewOutcome.END_PARTY:
            self._set_error("party", "")

    @on(Select.Changed, "#party")
    def _party_changed(self) -> None:
        if self.ended_party() is not None:
            self._set_error("party", "")

    def is_dirty(self) -> bool:
        suggested = self.suggested.isoformat() if self.suggested else ""
        return bool(
            self.query_one("#notes", TextArea).text.strip()
            or self.query_one("#next", Input).value != suggested
            or self.outcome() is not ReviewOutcome.CONTINUE
            or len(self.took_part()) != len(self.parties)
        )

    # ----------------------------------------------------------------- save
    @on(Input.Submitted, "#next")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._tried = True
        for field in ("party", "participants", "next_review", "form"):
            self._set_error(field, "")
        reading = self.reading()
        errors: dict[str, str] = {}
        if reading.value is None:
            errors["next_review"] = reading.error
        outcome = self.outcome()
        ended = self.ended_party() if outcome is ReviewOutcome.END_PARTY else None
        if outcome is ReviewOutcome.END_PARTY and ended is None:
            errors["party"] = "Choose whose involvement ends."
        if not errors:
            updated = copy.deepcopy(self.agreement)
            try:
                review = record_review(
                    updated,
                    self.today,
                    outcome,
                    self.took_part(),
                    self.query_one("#notes", TextArea).text.strip(),
                    ended_participant_id=ended,
                    next_review=reading.value,
                )
            except ReviewError as exc:
                errors[exc.field or "form"] = str(exc)
        if errors:
            for field, message in errors.items():
                self._set_error(field, message)
            self._focus_first(errors)
            return
        try:
            self.host.store.save_agreement(updated)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return  # the form stays open with everything typed
        self.dismiss(review)

    def _focus_first(self, errors: dict[str, str]) -> None:
        widget = {"party": "#party", "next_review": "#next"}.get(next(iter(errors)))
        if widget is not None:
            self.query_one(widget).focus()

