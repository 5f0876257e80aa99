"""Revoke a party's consent: from which date, and a note of how they said so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import Input, Static

from roomguard.core.dates import DateInputError, format_date
from roomguard.core.models import ConsentRecord, Participant
from roomguard.screens.agreement_forms.base import AgreementForm, party_label, sentence
from roomguard.widgets.date_field import DateField


@dataclass(frozen=True, slots=True)
class Revocation:
    record_id: str
    revoked_on: date
    note: str


class RevokeForm(AgreementForm[Revocation]):
    """Returns a :class:`Revocation` of *record*, the consent that is in force for *party*."""

    FIELDS = ("revoked_on", "note")
    DISCARD_QUESTION = "Discard this revocation?"

    def __init__(
        self,
        on_save: Callable[[Revocation], bool],
        *,
        party: Participant,
        record: ConsentRecord,
        today: date,
    ) -> None:
        super().__init__(on_save)
        self.party = party
        self.record = record
        self.today = today

    def heading(self) -> str:
        return f"Revoke {self.party.name}'s consent"

    def body(self) -> ComposeResult:
        record = self.record
        about = party_label(self.party)
        about.append(
            f"\nconsented to terms version {record.terms_version} on "
            f"{format_date(record.signed_on)} ({record.method.value})."
            "\nOnce revoked, the agreement is not in force until they consent again."
        )
        yield Static(about, classes="hint")
        yield self.label("Revoked on")
        yield DateField(format_date(self.today), today=self.today, id="revoked_on")
        yield self.error_label("revoked_on")
        yield self.label("Note (optional, e.g. how they told you)")
        yield Input(id="note", placeholder="e.g. email to coach")
        yield self.error_label("note")

    def _revoked_on(self) -> date | None:
        return self.query_one("#revoked_on", DateField).parsed()

    def errors(self) -> dict[str, str]:
        try:
            revoked = self._revoked_on()
        except DateInputError as exc:
            return {"revoked_on": sentence(str(exc))}
        assert revoked is not None  # required field
        if revoked > self.today:
            return {
                "revoked_on": sentence(
                    f"the revocation date {format_date(revoked)} is in the future; "
                    "record it when it happens"
                )
            }
        if revoked < self.record.signed_on:
            return {
                "revoked_on": sentence(
                    "the revocation date cannot be before the signed date "
                    f"({format_date(self.record.signed_on)})"
                )
            }
        return {}

    def result(self) -> Revocation:
        revoked = self._revoked_on()
        assert revoked is not None
        return Revocation(self.record.id, revoked, self.query_one("#note", Input).value.strip())
