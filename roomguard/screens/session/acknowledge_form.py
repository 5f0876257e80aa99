"""Acknowledge an alert: how the coach handled it, an optional note, and for a false alarm
whether to stop flagging that phrase for this client.

Keys: ``s``/``p``/``v``/``f`` choose the action (then Enter records it), ``r`` or ``ctrl+s``
records, ``escape`` cancels and leaves the alert standing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from roomguard.core.events import AckAction
from roomguard.widgets.literal import literal

# (key, action, label) in the order shown.
CHOICES: tuple[tuple[str, AckAction, str], ...] = (
    ("s", AckAction.STEPPED_OUT, "s  Asked the person to step out"),
    ("p", AckAction.PAUSED, "p  Paused the topic"),
    ("v", AckAction.VERBAL_CONSENT, "v  Consent given verbally (adds a to-do: get it in writing)"),
    ("f", AckAction.FALSE_ALARM, "f  False alarm"),
)


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    action: AckAction
    note: str = ""
    mute_phrase: str = ""


class AcknowledgeForm(ModalScreen[Acknowledgement | None]):
    CSS_PATH = ["../modal.tcss", "session.tcss"]
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s,r", "record", "Record"),
        Binding("m", "toggle_mute", "Stop flagging the phrase", show=False),
        *(Binding(key, f"choose('{key}')", label.split("  ", 1)[1], show=False)
          for key, _, label in CHOICES),
    ]

    def __init__(self, description: str, phrase: str, *, discreet: bool = False,
                 waiting: int = 1) -> None:
        """*description* is the alert as the banner shows it (already masked if discreet);
        *phrase* the phrase that triggered it ("" for a manual mark or an arrival)."""
        super().__init__()
        self.description = description
        self.phrase = phrase
        self.discreet = discreet
        self.waiting = waiting
        self._choice: AckAction | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ack-dialog"):
            title = "Acknowledge alert"
            if self.waiting > 1:
                title += f" (oldest of {self.waiting})"
            yield Static(title, classes="title")
            yield Static(literal(self.description, limit=1000), id="ack-alert")
            yield Label("How did you handle it?", classes="field-label")
            with RadioSet(id="ack-action"):
                for _, _, label in CHOICES:
                    yield RadioButton(Text(label))
            yield Label("", id="action-error", classes="error", markup=False)
            yield Label("Note (optional)", classes="field-label")
            yield Input(id="ack-note", placeholder="e.g. Grace went to get coffee")
            if self.phrase:
                shown = "this phrase" if self.discreet else f'"{self.phrase}"'
                yield Checkbox(
                    Text(f"Stop flagging {shown} for this client (false alarm only)"),
                    id="mute", disabled=True,
                )
            hint = "s/p/v/f choose · tab to the note · Enter or r records · esc cancels"
            if self.phrase:
                hint += " · m stops flagging the phrase (false alarm)"
            yield Static(hint, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Record", id="record", variant="primary")

    def on_mount(self) -> None:
        if self._choice is None:  # a key typed ahead may already have chosen (and moved focus)
            self.query_one(RadioSet).focus()

    # ----------------------------------------------------------------- choosing
    def _selected(self) -> AckAction | None:
        return self._choice

    def _set_choice(self, index: int) -> None:
        self._choice = CHOICES[index][1]
        for error in self.query("#action-error").results(Label):
            error.update("")
        false_alarm = self._choice is AckAction.FALSE_ALARM
        for box in self.query("#mute").results(Checkbox):
            box.disabled = not false_alarm
            if not false_alarm:
                box.value = False

    def action_choose(self, key: str) -> None:
        index = next(i for i, (k, _, _) in enumerate(CHOICES) if k == key)
        buttons = list(self.query(RadioButton))
        if index < len(buttons):
            buttons[index].value = True
        self._set_choice(index)
        for record in self.query("#record").results(Button):
            # At once, not deferred like focus(): an Enter typed right after must press Record.
            self.set_focus(record)

    def action_toggle_mute(self) -> None:
        for box in self.query("#mute").results(Checkbox):
            if box.disabled:
                self.action_choose("f")
            box.value = not box.value

    @on(RadioSet.Changed)
    def _changed(self, event: RadioSet.Changed) -> None:
        if 0 <= event.index < len(CHOICES):
            self._set_choice(event.index)

    # ----------------------------------------------------------------- results
    @on(Input.Submitted, "#ack-note")
    @on(Button.Pressed, "#record")
    def action_record(self) -> None:
        action = self._selected()
        if action is None:
            self.query_one("#action-error", Label).update(
                "Choose how you handled it (s, p, v or f)."
            )
            self.query_one(RadioSet).focus()
            return
        note = " ".join(self.query_one("#ack-note", Input).value.split())
        mute = ""
        for box in self.query("#mute").results(Checkbox):
            if box.value and action is AckAction.FALSE_ALARM:
                mute = self.phrase
        self.dismiss(Acknowledgement(action, note, mute))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
