"""The parties of an agreement with each one's consent state, one row per person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text

from roomguard.core.consent import ConsentState, PartyConsent
from roomguard.widgets.keyed_table import KeyedTable
from roomguard.widgets.literal import literal

STATE_STYLE: dict[ConsentState, str] = {
    ConsentState.VALID: "green",
    ConsentState.EXPIRING_SOON: "bold yellow",
    ConsentState.MISSING: "bold red",
    ConsentState.OUTDATED: "bold red",
    ConsentState.EXPIRED: "bold red",
    ConsentState.REVOKED: "bold red",
}
STATE_MARK: dict[ConsentState, str] = {
    ConsentState.VALID: "✓",
    ConsentState.EXPIRING_SOON: "!",
    ConsentState.MISSING: "✗",
    ConsentState.OUTDATED: "✗",
    ConsentState.EXPIRED: "✗",
    ConsentState.REVOKED: "✗",
}


def consent_cell(row: PartyConsent) -> Text:
    """Two lines: ``✓ valid`` in colour, then what is on file (``signed 2026-09-26 …``)."""
    cell = Text(end="")
    cell.append(f"{STATE_MARK[row.state]} {row.state.value}", style=STATE_STYLE[row.state])
    cell.append("\n")
    cell.append_text(literal(row.detail, style="dim", limit=120))  # a revocation note is user text
    return cell


class PartiesTable(KeyedTable):
    """Name and contact, role, aliases and consent of each active party; keyed by participant id.

    Rows are two lines high: name over contact, consent state over its detail.
    """

    ROW_HEIGHT = 2
    COLUMNS = (
        ("Name / contact", "name"),
        ("Role", "role"),
        ("Aliases", "aliases"),
        ("Written consent", "consent"),
    )

    def show(self, rows: Sequence[PartyConsent], today: date) -> None:
        def cells(row: PartyConsent) -> list[Text]:
            person = row.participant
            aliases = ", ".join(person.aliases)
            name = literal(person.name, style="bold", limit=50)
            name.append("\n")
            if person.contact:
                name.append_text(literal(person.contact, style="dim", limit=50))
            return [
                name,
                Text(person.role.label),
                literal(aliases, limit=60) if aliases else Text("—", style="dim"),
                consent_cell(row),
            ]

        self.refill((row.participant.id, cells(row)) for row in rows)
