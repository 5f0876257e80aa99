"""What every agreement form shares: inline errors, save through the screen, ask before discarding.

A form never touches the store. It is given ``on_save(result) -> bool``: the agreements screen
applies the result, saves, and answers False when the save failed (it has already said why).
The form then stays open with everything typed, as it does for a validation error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea

from roomguard.core.models import Participant
from roomguard.core.validation import FieldError
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.date_field import DateField
from roomguard.widgets.literal import literal

ResultT = TypeVar("ResultT")


def sentence(message: str) -> str:
    """``a name is required`` → ``A name is required.``"""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message[-1] in ".!?" else message + "."


def lines_of(text: str) -> list[str]:
    """Non-blank lines, trimmed: how phrases, patterns and categories are typed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def comma_list(text: str) -> list[str]:
    """Comma-separated entries, trimmed, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def party_label(person: Participant) -> Text:
    """``Tom Becker (assistant)``, the name literal."""
    text = literal(person.name, limit=60)
    text.append(f" ({person.role.label})", style="dim")
    return text


def field_errors(
    errors: Iterable[FieldError], rename: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Core :class:`FieldError` items grouped per form field, one sentence per line."""
    out: dict[str, list[str]] = {}
    for error in errors:
        field = (rename or {}).get(error.field, error.field)
        out.setdefault(field, []).append(sentence(error.message))
    return {field: "\n".join(messages) for field, messages in out.items()}


class AgreementForm(DiscardGuard[ResultT]):
    """Subclasses compose :meth:`body`, and implement :meth:`errors` and :meth:`result`.

    Cancelling asks first once anything differs from what the form opened with
    (:class:`~roomguard.screens.dialogs.discard.DiscardGuard`).

    Every field listed in ``FIELDS`` gets an error label ``#<field>-error`` (place it with
    :meth:`error_label`); the widget with id ``<field>`` gets the focus when that field is wrong.
    """

    CSS_PATH = ["../modal.tcss", "forms.tcss"]
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, on_save: Callable[[ResultT], bool]) -> None:
        super().__init__()
        self.on_save = on_save
        self._initial: tuple[Any, ...] | None = None
        self._showing_errors = False

    # ----------------------------------------------------------------- layout
    def heading(self) -> str:
        raise NotImplementedError

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static(literal(self.heading()), classes="title")
            yield from self.body()
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    @staticmethod
    def label(text: str) -> Label:
        return Label(text, classes="field-label", markup=False)

    @staticmethod
    def error_label(field: str) -> Label:
        label = Label("", id=f"{field}-error", classes="error", markup=False)
        label.display = False  # shown only while it has something to say
        return label

    def on_mount(self) -> None:
        self.call_after_refresh(self._remember_initial)
        self.edited()

    def _remember_initial(self) -> None:
        self._initial = self.snapshot()

    # ----------------------------------------------------------------- what was typed
    def snapshot(self) -> tuple[Any, ...]:
        """Every value in the form, to tell whether anything was changed."""
        values: list[Any] = []
        for widget in self.query("Input, TextArea, Select, SelectionList"):
            if isinstance(widget, Input):
                values.append(widget.value)
            elif isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, Select):
                values.append(widget.value)
            elif isinstance(widget, SelectionList):
                values.append(tuple(widget.selected))
        return tuple(values)

    def is_dirty(self) -> bool:
        return self._initial is not None and self.snapshot() != self._initial

    # ----------------------------------------------------------------- validation
    def errors(self) -> dict[str, str]:
        """Field → message for everything wrong; empty when the form can be saved."""
        raise NotImplementedError

    def result(self) -> ResultT:
        """What the form saves; only called when :meth:`errors` is empty."""
        raise NotImplementedError

    def edited(self) -> None:
        """Called on every change (and once on mount): update previews here."""

    def show_errors(self, errors: Mapping[str, str]) -> None:
        for field in self.FIELDS:
            label = self.query_one(f"#{field}-error", Label)
            message = errors.get(field, "")
            label.update(Text("\n").join(literal(line, limit=500) for line in message.split("\n")))
            label.display = bool(message)
        self._showing_errors = bool(errors)

    def _focus_field(self, field: str) -> None:
        widgets = self.query(f"#{field}")
        if not widgets:
            return
        widget: Widget = widgets.first()
        if isinstance(widget, DateField):
            widget = widget.input
        widget.focus()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.edited()
        if self._showing_errors:
            self.show_errors(self.errors())

    # ----------------------------------------------------------------- actions
    # The handlers call the actions rather than being them, so a subclass may override an
    # action (Textual dispatches @on handlers to the function that was decorated).
    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        errors = self.errors()
        self.show_errors(errors)
        if errors:
            first = next((f for f in self.FIELDS if f in errors), None)
            if first is not None:
                self._focus_field(first)
            return
        result = self.result()
        if self.on_save(result):
            self.dismiss(result)
