"""Where to write the consent document: a suggested file in the store's documents folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Input, Static

from roomguard.screens.agreement_forms.base import AgreementForm, sentence


class DocumentForm(AgreementForm[Path]):
    """Returns the path to write. Asks before replacing an existing file."""

    FIELDS = ("path",)
    DISCARD_QUESTION = "Cancel generating the document?"

    def __init__(self, on_save: Callable[[Path], bool], *, suggested: Path, version: int) -> None:
        super().__init__(on_save)
        self.suggested = suggested
        self.version = version
        self._overwrite_ok: Path | None = None

    def heading(self) -> str:
        return f"Generate the consent document (terms version {self.version})"

    def body(self) -> ComposeResult:
        yield Static(
            "A Markdown file with the parties, the private topics by name (never their "
            "phrases), what may be shared, the scope extensions, the review cadence and a "
            "signature line for each party. It is readable only by you (mode 0600).",
            classes="hint",
            markup=False,
        )
        yield self.label("Write to")
        yield Input(str(self.suggested), id="path")
        yield self.error_label("path")

    def _path(self) -> Path:
        return Path(self.query_one("#path", Input).value.strip()).expanduser()

    def errors(self) -> dict[str, str]:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            return {"path": "Enter a file name."}
        path = self._path()
        if path.is_dir():
            return {"path": sentence(f"{path} is a folder; add a file name")}
        parent = next((p for p in path.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            return {"path": sentence(f"{parent} is a file, not a folder")}
        return {}

    def result(self) -> Path:
        return self._path()

    def action_save(self) -> None:
        if not self.errors() and self._path().exists() and self._overwrite_ok != self._path():
            from roomguard.screens.dialogs.confirm import Confirm

            path = self._path()

            def answer(replace: bool | None) -> None:
                if replace:
                    self._overwrite_ok = path
                    self.action_save()

            self.app.push_screen(Confirm(f"Replace {path}?", yes="Replace", no="Keep it"), answer)
            return
        super().action_save()
