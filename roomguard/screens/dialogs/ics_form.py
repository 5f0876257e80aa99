"""Where check-ins' ``e`` writes the calendar file: asked each time, the last answer offered.

It once wrote ``~/roomguard-checkins.ics`` without showing or asking where. The dialog starts
with the path used last (or that default), checks it inline (a folder, a missing folder, a file
where a folder should be) and dismisses with the path; the check-ins screen remembers it and
says where it wrote.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame


def ics_path_error(text: str) -> str:
    """Why *text* cannot be written to, or "" when it can."""
    text = text.strip()
    if not text:
        return "Enter a file name, e.g. ~/roomguard-checkins.ics."
    if "\x00" in text:
        return "A path cannot contain a NUL character."
    path = Path(text).expanduser()
    if path.is_dir():
        return f"{path} is a folder; add a file name."
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        return f"{parent} is a file, not a folder."
    if not path.parent.is_dir():
        return f"The folder {path.parent} does not exist."
    return ""


class IcsPathForm(DiscardGuard[Path]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#ics-path"
    BINDINGS = [Binding("ctrl+s", "save", "Write")]
    DISCARD_QUESTION = "Discard the path you typed? Nothing is written."

    def __init__(self, suggested: Path) -> None:
        super().__init__()
        self.suggested = str(suggested)

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("Export the check-ins as a calendar (.ics)", classes="title")
            yield Static(
                "Every scheduled review as an all-day event; import the file into your calendar. "
                "Writing to the same file again updates the same events.",
                classes="hint",
            )
            yield Label("Write to", classes="field-label")
            yield Input(self.suggested, id="ics-path")
            yield Label("", id="ics-path-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Write", id="save", variant="primary")

    @on(Input.Changed, "#ics-path")
    def _revalidate(self, event: Input.Changed) -> None:
        error = self.query_one("#ics-path-error", Label)
        if str(error.content):  # once an error shows, it follows the typing
            error.update(ics_path_error(event.value))

    @on(Input.Submitted, "#ics-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.query_one("#ics-path", Input).value
        problem = ics_path_error(text)
        self.query_one("#ics-path-error", Label).update(problem)
        if problem:
            self.query_one("#ics-path", Input).focus()
            return
        self.dismiss(Path(text.strip()).expanduser())

    def is_dirty(self) -> bool:
        return self.query_one("#ics-path", Input).value != self.suggested
