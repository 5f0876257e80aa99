"""Follow a transcript file: ask for its path and check it before following.

The file need not exist yet (a call or transcriber may create it once the session starts); its
folder must. A folder, a device or a pipe is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.literal import literal

STOP: Literal["stop"] = "stop"
FollowChoice = Path | Literal["stop"] | None


def check_transcript_path(text: str) -> tuple[Path | None, str, str]:
    """``(path, error, note)``: *error* says why it cannot be followed; *note* is a remark
    (e.g. the file does not exist yet) that does not stop following."""
    text = text.strip()
    if not text:
        return None, "Type the path of the transcript file.", ""
    if "\x00" in text:
        return None, "A path cannot contain a NUL character.", ""
    path = Path(os.path.expandvars(text)).expanduser()
    try:
        info = path.stat()
    except FileNotFoundError:
        parent = path.parent
        if not parent.is_dir():
            return None, f"The folder {parent} does not exist.", ""
        return path, "", "The file does not exist yet; Roomguard will wait for it."
    except OSError as exc:
        return None, f"Cannot read {path}: {exc.strerror or exc}", ""
    if stat.S_ISDIR(info.st_mode):
        return None, f"{path} is a folder; give the transcript file inside it.", ""
    if not stat.S_ISREG(info.st_mode):
        return None, f"{path} is not a regular file (a pipe or device cannot be followed).", ""
    if not os.access(path, os.R_OK):
        return None, f"{path} cannot be read (permission denied).", ""
    return path, "", ""


class FollowForm(DiscardGuard[Path | Literal["stop"]]):
    """Returns the path to follow, :data:`STOP` to stop following, or None when cancelled
    (escape asks first once the path was changed)."""

    CSS_PATH = ["../modal.tcss", "session.tcss"]
    AUTO_FOCUS = "#follow-path"  # not focus() in on_mount: a key typed ahead keeps its focus
    DISCARD_QUESTION = "Discard the path you typed? Following stays as it was."

    def __init__(self, current: Path | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("Follow a transcript file", classes="title")
            if self.current is not None:
                now = Text("Following now: ", end="")
                now.append_text(literal(str(self.current)))
                yield Static(now, id="following-now")
            yield Static(
                "Plain 'Name: text' lines, WebVTT (.vtt) or SubRip (.srt). Lines are read as the "
                "file grows; speakers are matched to the parties by name and alias.",
                classes="muted",
            )
            yield Label("Path", classes="field-label")
            yield Input(str(self.current or ""), id="follow-path",
                        placeholder="e.g. ~/Calls/today.vtt")
            yield Label("", id="follow-error", classes="error", markup=False)
            yield Label("", id="follow-note", classes="muted", markup=False)
            with Horizontal(classes="buttons"):
                if self.current is not None:
                    yield Button("Stop following", id="stop", variant="warning")
                yield Button("Cancel", id="cancel")
                yield Button("Follow", id="follow", variant="primary")

    @on(Input.Changed)
    def _revalidate(self, event: Input.Changed) -> None:
        _, error, note = check_transcript_path(event.value)
        shown = self.query_one("#follow-error", Label)
        if str(shown.content):
            shown.update(error)
        self.query_one("#follow-note", Label).update(note if not error else "")

    @on(Input.Submitted)
    @on(Button.Pressed, "#follow")
    def action_follow(self) -> None:
        path, error, _ = check_transcript_path(self.query_one("#follow-path", Input).value)
        self.query_one("#follow-error", Label).update(error)
        if path is None:
            self.query_one("#follow-path", Input).focus()
            return
        self.dismiss(path)

    @on(Button.Pressed, "#stop")
    def _stop(self) -> None:
        self.dismiss(STOP)

    def is_dirty(self) -> bool:
        return self.query_one("#follow-path", Input).value.strip() != str(self.current or "")
