"""Scope extensions: which third party may be present for which private topics, and until when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rich.text import Text

from roomguard.core.models import ScopeExtension, Terms
from roomguard.widgets.keyed_table import KeyedTable
from roomguard.widgets.literal import literal


def _when(scope: ScopeExtension, today: date) -> Text:
    if scope.starts_on > today:
        return Text(f"from {scope.starts_on.isoformat()}", style="yellow")
    if scope.ends_on is None:
        return Text("open-ended")
    if scope.ends_on < today:
        return Text(f"ended {scope.ends_on.isoformat()}", style="dim")
    return Text(f"until {scope.ends_on.isoformat()}")


class ScopeTable(KeyedTable):
    """One row per scope extension of the terms, keyed by scope id."""

    COLUMNS = (
        ("Who", "who"),
        ("May be present for", "topics"),
        ("When", "when"),
        ("Reason", "reason"),
    )

    def show(self, terms: Terms, names: Mapping[str, str], today: date) -> None:
        """*names* maps participant ids to names."""

        def topics(scope: ScopeExtension) -> Text:
            found = [terms.topic(t) for t in scope.topic_ids]
            return literal(", ".join(t.name for t in found if t is not None), limit=80)

        self.refill(
            (
                scope.id,
                [
                    literal(names.get(scope.participant_id, "(removed party)"), limit=40),
                    topics(scope),
                    _when(scope, today),
                    literal(scope.reason, limit=80),
                ],
            )
            for scope in terms.scopes
        )
