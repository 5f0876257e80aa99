"""The private topics of a version of the terms: name, detection phrases, who is cleared.

A phrase muted for the client (a false alarm: it no longer alerts) is struck through."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rich.text import Text

from roomguard.core.models import Terms
from roomguard.core.mutes import silenced_phrases
from roomguard.widgets.keyed_table import KeyedTable
from roomguard.widgets.literal import literal
from roomguard.widgets.mute_table import MUTED_STYLE

PHRASES_WIDTH = 30


def phrases_cell(
    phrases: list[str],
    patterns: list[str],
    width: int = PHRASES_WIDTH,
    muted: Collection[str] = (),
) -> Text:
    """As many phrases as fit in about *width* characters, then how many more there are; the
    phrases in *muted* struck through."""
    if not phrases and not patterns:
        return Text("none: marked by hand only", style="dim italic")
    shown: list[str] = []
    used = 0
    for phrase in phrases:
        cost = len(phrase.strip()) + (2 if shown else 0)
        if shown and used + cost > width:
            break
        shown.append(phrase.strip())
        used += cost
    cell = Text(end="")
    for number, phrase in enumerate(shown):
        if number:
            cell.append(", ")
        cell.append_text(literal(phrase, style=MUTED_STYLE if phrase in muted else "", limit=width))
    cell.truncate(width, overflow="ellipsis")
    hidden = len(phrases) - len(shown)
    extra = []
    if hidden:
        extra.append(f"+{hidden} more")
    if patterns:
        extra.append(f"{len(patterns)} pattern{'s' if len(patterns) != 1 else ''}")
    if extra:
        cell.append(f"  {', '.join(extra)}", style="dim")
    return cell


class TopicTable(KeyedTable):
    """One row per private topic, keyed by topic id."""

    COLUMNS = (
        ("Private topic", "name"),
        ("Cleared for", "cleared"),
        ("Detection phrases", "phrases"),
    )

    def show(
        self, terms: Terms, names: Mapping[str, str], muted_phrases: Collection[str] = ()
    ) -> None:
        """*names* maps participant ids to names, for the third parties a scope clears;
        *muted_phrases* are the client's muted phrases."""

        def cleared(topic_id: str) -> Text:
            who = [
                names.get(s.participant_id, "?") for s in terms.scopes if topic_id in s.topic_ids
            ]
            return literal(", ".join(who), limit=60) if who else Text("—", style="dim")

        self.refill(
            (
                topic.id,
                [
                    literal(topic.name, style="bold", limit=60),
                    cleared(topic.id),
                    phrases_cell(
                        topic.phrases,
                        topic.patterns,
                        muted={p.strip() for p in silenced_phrases(topic, muted_phrases)},
                    ),
                ],
            )
            for topic in terms.topics
        )
