"""Record a party's written consent to the current version of the terms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static

from roomguard.core.consent import party_consents
from roomguard.core.dates import DateInputError, describe_date, format_date
from roomguard.core.models import Agreement, ConsentMethod, ConsentRecord
from roomguard.core.validation import validate_consent
from roomguard.screens.agreement_forms.base import (
    AgreementForm,
    field_errors,
    party_label,
    sentence,
)
from roomguard.widgets.date_field import DateField


class ConsentForm(AgreementForm[ConsentRecord]):
    """Returns a new :class:`ConsentRecord` for the current terms version."""

    FIELDS = ("participant_id", "signed_on", "method", "document_ref", "expires_on")
    DISCARD_QUESTION = "Discard this consent record?"

    def __init__(
        self,
        on_save: Callable[[ConsentRecord], bool],
        *,
        agreement: Agreement,
        today: date,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(on_save)
        self.agreement = agreement
        self.today = today
        self.participant_id = participant_id

    def heading(self) -> str:
        return f"Record written consent to terms version {self.agreement.terms.version}"

    def body(self) -> ComposeResult:
        terms = self.agreement.terms
        rows = party_consents(self.agreement, self.today)
        options = []
        for row in rows:
            label = party_label(row.participant)
            label.append(f" · {row.state.value}", style="dim")
            options.append((label, row.participant.id))
        ids = [row.participant.id for row in rows]
        yield Static(
            Text(
                f"Version {terms.version} of the terms was set on "
                f"{describe_date(terms.created_at.date())}. Consent to an earlier version does "
                "not count.",
            ),
            classes="hint",
        )
        yield self.label("Party")
        yield Select(
            options,
            prompt="Choose a party",
            value=self.participant_id if self.participant_id in ids else Select.NULL,
            id="participant_id",
        )
        yield self.error_label("participant_id")
        yield self.label("How consent was given in writing")
        yield Select(
            [(Text(method.value), method) for method in ConsentMethod],
            prompt="Choose a method",
            id="method",
        )
        yield self.error_label("method")
        yield self.label("Document reference (path or URL of the signed document)")
        yield Input(id="document_ref", placeholder="e.g. ~/Consents/priya-v2.pdf or https://…")
        yield self.error_label("document_ref")
        with Horizontal(classes="columns"):
            with Vertical(classes="column"):
                yield self.label("Signed on")
                yield DateField(format_date(self.today), today=self.today, id="signed_on")
                yield self.error_label("signed_on")
            with Vertical(classes="column"):
                yield self.label("Expires on (optional)")
                yield DateField("", today=self.today, optional=True, id="expires_on")
                yield self.error_label("expires_on")

    def _dates(self) -> tuple[dict[str, str], dict[str, date | None]]:
        errors: dict[str, str] = {}
        parsed: dict[str, date | None] = {}
        for field in ("signed_on", "expires_on"):
            try:
                parsed[field] = self.query_one(f"#{field}", DateField).parsed()
            except DateInputError as exc:
                errors[field] = sentence(str(exc))
                parsed[field] = None
        return errors, parsed

    def candidate(self) -> ConsentRecord:
        _, parsed = self._dates()
        party = self.query_one("#participant_id", Select).value
        method = self.query_one("#method", Select).value
        return ConsentRecord(
            participant_id=party if isinstance(party, str) else "",
            terms_version=self.agreement.terms.version,
            signed_on=parsed["signed_on"] or self.today,
            method=method if isinstance(method, ConsentMethod) else ConsentMethod.WET_SIGNATURE,
            document_ref=self.query_one("#document_ref", Input).value.strip(),
            expires_on=parsed["expires_on"],
        )

    def errors(self) -> dict[str, str]:
        date_errors, parsed = self._dates()
        record = self.candidate()
        found = validate_consent(record, self.agreement, self.today)
        errors = field_errors(
            e
            for e in found
            if e.field not in date_errors
            # An expiry can only be judged against a signed date that was understood.
            and not (e.field == "expires_on" and parsed["signed_on"] is None)
        )
        if not isinstance(self.query_one("#method", Select).value, ConsentMethod):
            errors["method"] = "Choose how consent was given."
        errors.update(date_errors)
        return errors

    def result(self) -> ConsentRecord:
        return self.candidate()
