"""Muted phrases of an agreement: each struck through, with when and why it was muted (the
unmute confirmation shows the whole reason when the column is too narrow)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from roomguard.core.mutes import Mute
from roomguard.widgets.keyed_table import KeyedTable
from roomguard.widgets.literal import literal

MUTED_STYLE = "strike dim"  # how a muted phrase is drawn wherever it is listed


class MuteTable(KeyedTable):
    """One row per muted phrase, keyed by the phrase as muted."""

    COLUMNS = (
        ("Muted phrase", "phrase"),
        ("Muted on", "when"),
        ("Why", "why"),
    )

    def show(self, mutes: Sequence[Mute]) -> None:
        def cells(mute: Mute) -> list[Text]:
            phrase = literal(mute.phrase, style=MUTED_STYLE, limit=60)
            if mute.record is None:  # muted before Roomguard kept records of it
                return [phrase, Text("not recorded", style="dim"), Text("—", style="dim")]
            return [
                phrase,
                Text(f"{mute.record.muted_at:%Y-%m-%d %H:%M}"),
                literal(mute.record.reason, limit=200),
            ]

        self.refill((mute.phrase, cells(mute)) for mute in mutes)
