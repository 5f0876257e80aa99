"""Before the assistant-safe summary is written: what will be shared, what was held back, why.

Each held-back share item shows its reasons and its text in an input the coach can edit; an
item held back only because it names a person has a box to confirm it. "Check again" returns
the edits to be checked (the history screen shows this dialog again with the new verdicts);
"Write" writes the summary with them; escape or Cancel writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from roomguard.core.reports import ShareItem, ShareVerdict
from roomguard.widgets.literal import literal


@dataclass(frozen=True, slots=True)
class ShareDecisions:
    """The coach's answers: edited texts and confirmed items (by key), and whether to write."""

    edits: dict[str, str] = field(default_factory=dict)
    confirmed: frozenset[str] = frozenset()
    write: bool = False


class ShareReview(ModalScreen[ShareDecisions | None]):
    CSS_PATH = "../modal.tcss"
    DEFAULT_CSS = """
    ShareReview .dialog { width: 100; max-height: 90%; }
    ShareReview #share-items { height: auto; max-height: 30; }
    ShareReview .reason { color: $warning; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, items: Sequence[ShareItem], confirmed: frozenset[str] = frozenset()
                 ) -> None:
        super().__init__()
        self.items = list(items)
        self.confirmed = confirmed

    def compose(self) -> ComposeResult:
        shared = [i for i in self.items if i.verdict is ShareVerdict.SHARED]
        held = [i for i in self.items if i.verdict is not ShareVerdict.SHARED]
        with Vertical(classes="dialog"):
            yield Static(f"Assistant-safe summary: {len(shared)} item(s) will be shared, "
                         f"{len(held)} held back", classes="title")
            with VerticalScroll(id="share-items"):
                for item in shared:
                    yield Static(literal("✓ " + item.text, limit=200), classes="shared")
                for n, item in enumerate(held):
                    yield Static(literal(f"✗ {item.session}: " + "; ".join(item.reasons),
                                         limit=300), classes="reason")
                    yield Input(item.text, id=f"edit-{n}")
                    if item.verdict is ShareVerdict.ASK:
                        yield Checkbox("Share it as written (I confirm)", item.key in self.confirmed,
                                       id=f"confirm-{n}")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Check again", id="check")
                yield Button("Write", id="write", variant="primary")

    def decisions(self, write: bool) -> ShareDecisions:
        held = [i for i in self.items if i.verdict is not ShareVerdict.SHARED]
        edits: dict[str, str] = {}
        confirmed: set[str] = set()
        for n, item in enumerate(held):
            text = self.query_one(f"#edit-{n}", Input).value
            if text != item.original:
                edits[item.key] = text
            boxes = self.query(f"#confirm-{n}").results(Checkbox)
            if any(box.value for box in boxes):
                confirmed.add(item.key)
        for item in self.items:  # kept edits of items that now pass
            if item.verdict is ShareVerdict.SHARED and item.text != item.original:
                edits[item.key] = item.text
        return ShareDecisions(edits, frozenset(confirmed | (self.confirmed - {
            i.key for i in held if i.verdict is ShareVerdict.ASK})), write)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.dismiss(self.decisions(write=event.button.id == "write"))
