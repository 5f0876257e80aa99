"""Add or edit a party: name, role, contact, and the aliases a transcript may use for them."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from roomguard.core.models import THIRD_PARTY_ROLES, Participant, Role
from roomguard.core.validation import validate_participant
from roomguard.screens.agreement_forms.base import AgreementForm, comma_list, field_errors


class PartyForm(AgreementForm[Participant]):
    """Returns the new or edited :class:`Participant`.

    The client's and coach's roles are fixed; a new party is always a third party.
    """

    FIELDS = ("name", "role", "aliases", "contact")
    DISCARD_QUESTION = "Discard your changes to this party?"

    def __init__(
        self,
        on_save: Callable[[Participant], bool],
        *,
        others: Sequence[Participant],
        today: date,
        existing: Participant | None = None,
    ) -> None:
        super().__init__(on_save)
        self.others = list(others)
        self.today = today
        self.existing = existing

    def heading(self) -> str:
        if self.existing is None:
            return "Add a party"
        return f"Edit {self.existing.name}"

    def body(self) -> ComposeResult:
        person = self.existing
        yield self.label("Name")
        yield Input(person.name if person else "", id="name", placeholder="e.g. Tom Becker")
        yield self.error_label("name")
        yield self.label("Role")
        if person is not None and not person.role.is_third_party:
            yield Static(Text(f"{person.role.label} (fixed)"), id="role")
        else:
            yield Select(
                [(Text(role.label), role) for role in THIRD_PARTY_ROLES],
                prompt="Choose a role",
                value=person.role if person is not None else Select.NULL,
                id="role",
            )
        yield self.error_label("role")
        yield self.label("Shows in transcripts as (aliases, comma-separated)")
        yield Input(
            ", ".join(person.aliases) if person else "", id="aliases", placeholder="e.g. Tom, TB"
        )
        yield self.error_label("aliases")
        yield self.label("Contact (email or phone, optional)")
        yield Input(
            person.contact if person else "",
            id="contact",
            placeholder="e.g. tom.becker@example.com",
        )
        yield self.error_label("contact")

    def _role(self) -> Role | None:
        if self.existing is not None and not self.existing.role.is_third_party:
            return self.existing.role
        value = self.query_one("#role", Select).value
        return value if isinstance(value, Role) else None

    def candidate(self) -> Participant:
        if self.existing is not None:
            person = copy.deepcopy(self.existing)
        else:
            person = Participant("", Role.OBSERVER, added_on=self.today)
        person.name = self.query_one("#name", Input).value.strip()
        person.role = self._role() or Role.OBSERVER
        person.aliases = comma_list(self.query_one("#aliases", Input).value)
        person.contact = self.query_one("#contact", Input).value.strip()
        return person

    def errors(self) -> dict[str, str]:
        person = self.candidate()
        errors = field_errors(validate_participant(person, self.others))
        if self._role() is None:
            errors["role"] = "Choose a role."
        return errors

    def result(self) -> Participant:
        return self.candidate()
