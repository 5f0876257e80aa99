"""Add or edit a scope extension: "X may be present for topics T", why, and until when."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, SelectionList
from textual.widgets.selection_list import Selection

from roomguard.core.dates import DateInputError, format_date
from roomguard.core.models import Agreement, Role, ScopeExtension
from roomguard.core.validation import validate_scope
from roomguard.screens.agreement_forms.base import (
    AgreementForm,
    field_errors,
    party_label,
    sentence,
)
from roomguard.widgets.date_field import DateField
from roomguard.widgets.literal import literal


class ScopeForm(AgreementForm[ScopeExtension]):
    """Returns the new or edited :class:`ScopeExtension` for the agreement's current terms."""

    FIELDS = ("participant_id", "topic_ids", "reason", "starts_on", "ends_on")
    DISCARD_QUESTION = "Discard this scope extension?"

    def __init__(
        self,
        on_save: Callable[[ScopeExtension], bool],
        *,
        agreement: Agreement,
        today: date,
        existing: ScopeExtension | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(on_save)
        self.agreement = agreement
        self.today = today
        self.existing = existing
        self.participant_id = existing.participant_id if existing else participant_id

    def heading(self) -> str:
        return "Add a scope extension" if self.existing is None else "Edit a scope extension"

    def body(self) -> ComposeResult:
        scope = self.existing
        people = [
            p
            for p in self.agreement.active_participants(self.today)
            if p.role.is_third_party and p.role is not Role.GUEST
        ]
        chosen = self.participant_id if any(p.id == self.participant_id for p in people) else None
        yield self.label("Who may be present")
        yield Select(
            [(party_label(p), p.id) for p in people],
            prompt="Choose a third party" if people else "Add a third party first (p)",
            value=chosen if chosen is not None else Select.NULL,
            id="participant_id",
        )
        yield self.error_label("participant_id")
        yield self.label("For these private topics")
        picked = set(scope.topic_ids) if scope else set()
        yield SelectionList(
            *[
                Selection(literal(t.name, limit=60), t.id, t.id in picked)
                for t in self.agreement.terms.topics
            ],
            id="topic_ids",
        )
        yield self.error_label("topic_ids")
        yield self.label("Reason (shown in the consent document)")
        yield Input(
            scope.reason if scope else "", id="reason", placeholder="e.g. Tom runs Priya's calendar"
        )
        yield self.error_label("reason")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield self.label("From")
                yield DateField(
                    format_date(scope.starts_on if scope else self.today),
                    today=self.today,
                    id="starts_on",
                )
                yield self.error_label("starts_on")
            with Vertical(classes="column"):
                yield self.label("Until (optional)")
                yield DateField(
                    format_date(scope.ends_on) if scope and scope.ends_on else "",
                    today=self.today,
                    optional=True,
                    id="ends_on",
                )
                yield self.error_label("ends_on")

    def _dates(self) -> tuple[dict[str, str], date | None, date | None]:
        errors: dict[str, str] = {}
        parsed: dict[str, date | None] = {}
        for field in ("starts_on", "ends_on"):
            try:
                parsed[field] = self.query_one(f"#{field}", DateField).parsed()
            except DateInputError as exc:
                errors[field] = sentence(str(exc))
                parsed[field] = None
        return errors, parsed["starts_on"], parsed["ends_on"]

    def candidate(self) -> ScopeExtension:
        _, starts, ends = self._dates()
        chosen = self.query_one("#participant_id", Select).value
        scope = copy.deepcopy(self.existing) if self.existing else ScopeExtension("", [], "", self.today)
        scope.participant_id = chosen if isinstance(chosen, str) else ""
        scope.topic_ids = [str(t) for t in self.query_one("#topic_ids", SelectionList).selected]
        scope.reason = self.query_one("#reason", Input).value.strip()
        scope.starts_on = starts or self.today
        scope.ends_on = ends
        return scope

    def errors(self) -> dict[str, str]:
        date_errors, starts, _ = self._dates()
        scope = self.candidate()
        found = validate_scope(scope, self.agreement)
        errors = field_errors(e for e in found if e.field not in date_errors)
        if not scope.reason:
            errors["reason"] = "A reason is required: it goes into the consent document."
        if starts is not None and "participant_id" not in errors and "topic_ids" not in errors:
            clash = self._overlap(scope)
            if clash:
                errors["topic_ids"] = clash
        errors.update(date_errors)
        return errors

    def _overlap(self, scope: ScopeExtension) -> str | None:
        """Another scope already covers this person and topic for some of the same days."""
        end = scope.ends_on or date.max
        for other in self.agreement.terms.scopes:
            if other.id == scope.id or other.participant_id != scope.participant_id:
                continue
            if other.starts_on > end or (other.ends_on or date.max) < scope.starts_on:
                continue
            shared = [t for t in scope.topic_ids if t in other.topic_ids]
            if shared:
                topic = self.agreement.terms.topic(shared[0])
                name = topic.name if topic else shared[0]
                return sentence(
                    f"another scope extension already covers {name} for these dates; "
                    "edit that one instead"
                )
        return None

    def result(self) -> ScopeExtension:
        return self.candidate()
