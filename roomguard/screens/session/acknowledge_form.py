"""Acknowledge an alert: how the coach handled it, an optional note, and for a false alarm
whether to stop flagging that phrase for this client.

Keys belong to the focused widget. ``s``/``p``/``v``/``f`` choose the action, ``m`` stops
flagging the phrase and ``r`` records, but only while focus is not in the note: the note takes
every letter typed into it ("Dana OK with Sam hear" is a note, not four commands). The dialog
opens on the choices; a letter chooses and leaves focus there, so Enter records and Tab goes to
the note, in the order the dialog shows them. ``ctrl+s`` records from anywhere, Enter in the
note records, ``escape`` cancels and leaves the alert standing (asking first when a note was
typed, like every form: :class:`~roomguard.screens.dialogs.discard.DiscardGuard`).

Muting a phrase is for good (the phrase stops alerting for this client in every session and in
``roomguard check``), so it is confirmed in a second dialog naming the phrase and the client.

When one input raised several alerts at once (a guest joining while three topics are active),
the dialog offers to apply the same outcome and note to all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static, TextArea

from roomguard.core.events import AckAction
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.literal import literal

# (key, action, label) in the order shown.
CHOICES: tuple[tuple[str, AckAction, str], ...] = (
    ("s", AckAction.STEPPED_OUT, "s  Asked the person to step out"),
    ("p", AckAction.PAUSED, "p  Paused the topic"),
    ("v", AckAction.VERBAL_CONSENT, "v  Consent given verbally (adds a to-do: get it in writing)"),
    ("f", AckAction.FALSE_ALARM, "f  False alarm"),
)
# Actions that letters fire: never while the coach is typing in a text field.
LETTER_ACTIONS = frozenset({"choose", "record_key", "toggle_mute"})


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    action: AckAction
    note: str = ""
    mute_phrase: str = ""
    apply_to_all: bool = False  # every alert raised by the same input (never with a mute)


class ChoiceSet(RadioSet):
    """The ways of handling an alert. Enter chooses the highlighted way; Enter on the way
    already chosen records, so "v, Enter" is the quick path and a stray Enter on opening never
    records a choice the coach did not make.

    Keys typed in one burst (a real terminal delivers "v", Tab, "Dana OK…" together) are all
    queued here, on the widget focused when they arrived; a binding would only run once each
    key had bubbled up to the app, after every later key was already queued here too. So this
    widget handles its keys itself, in the order typed: a letter chooses at once (*on_letter*),
    Tab moves focus at once, and a key that arrives after focus has moved on (to the note) is
    handed to the widget that now has focus instead of acting here.
    """

    BINDINGS = [Binding("enter", "enter", "Choose, then record", show=False)]

    class RecordRequested(Message):
        """Enter on the chosen way."""

    def __init__(self, *buttons: RadioButton, on_letter: Callable[[str], bool],
                 id: str | None = None, compact: bool = False) -> None:
        super().__init__(*buttons, id=id, compact=compact)
        self._on_letter = on_letter

    async def _on_key(self, event: events.Key) -> None:
        # Runs before RadioSet's own handling (Textual calls each class's handler along the
        # MRO until one prevents the default).
        focused = self.screen.focused
        if focused is not self:
            if focused is not None and event.key != "escape":
                event.stop()
                event.prevent_default()
                focused.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_enter()
        elif event.character is not None and self._on_letter(event.character):
            event.stop()
            event.prevent_default()

    def action_enter(self) -> None:
        if self.pressed_button is not None and self._selected == self.pressed_index:
            self.post_message(self.RecordRequested())
        else:
            self.action_toggle_button()

    def highlight(self, index: int) -> None:
        self._selected = index


class AcknowledgeForm(DiscardGuard[Acknowledgement]):
    """Dismisses with the :class:`Acknowledgement`, or None when cancelled (escape asks first
    only when a note was typed)."""

    CSS_PATH = ["../modal.tcss", "session.tcss"]
    AUTO_FOCUS = "#ack-action"  # not focus() in on_mount: a key typed ahead keeps its focus
    DISCARD_QUESTION = "Discard the note? The alert stays unacknowledged."
    BINDINGS = [
        Binding("ctrl+s", "record", "Record"),
        Binding("r", "record_key", "Record", show=False),
        Binding("m", "toggle_mute", "Stop flagging the phrase", show=False),
        *(Binding(key, f"choose('{key}')", label.split("  ", 1)[1], show=False)
          for key, _, label in CHOICES),
    ]

    def __init__(self, description: str, phrase: str, *, discreet: bool = False,
                 waiting: int = 1, together: int = 1, client_name: str = "") -> None:
        """*description* is the alert as the banner shows it (already masked if discreet);
        *phrase* the phrase that triggered it ("" for a manual mark or an arrival); *together*
        how many unacknowledged alerts the same input raised, this one included; *client_name*
        names the client when muting is confirmed."""
        super().__init__()
        self.description = description
        self.phrase = phrase
        self.discreet = discreet
        self.waiting = waiting
        self.together = together
        self.client_name = client_name
        self._choice: AckAction | None = None

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog", id="ack-dialog"):
            title = "Acknowledge alert"
            if self.waiting > 1:
                title += f" (oldest of {self.waiting})"
            yield Static(title, classes="title")
            yield Static(literal(self.description, limit=1000), id="ack-alert")
            yield Label("How did you handle it?", classes="field-label")
            # Compact (no border): at 80x24 the alert, the choices and the note fit together.
            with ChoiceSet(id="ack-action", on_letter=self._letter, compact=True):
                for _, _, label in CHOICES:
                    yield RadioButton(Text(label))
            yield Label("", id="action-error", classes="error", markup=False)
            yield Label("Note (optional)", classes="field-label")
            yield Input(id="ack-note", placeholder="e.g. Grace went to get coffee")
            if self.together > 1:
                yield Checkbox(
                    Text(f"Apply to all {self.together} alerts raised by this event"),
                    id="all",
                )
            if self.phrase:
                shown = "this phrase" if self.discreet else f'"{self.phrase}"'
                yield Checkbox(
                    Text(f"Stop flagging {shown} for this client (false alarm only)"),
                    id="mute", disabled=True,
                )
            hint = "s/p/v/f choose · Enter records · Tab to the note · Esc cancels"
            if self.phrase:
                hint += " · m stops flagging the phrase"
            yield Static(hint, classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Record", id="record", variant="primary")

    # ----------------------------------------------------------------- keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Letters act only while focus is not in a text field: there they are text."""
        return not (action in LETTER_ACTIONS and isinstance(self.focused, Input | TextArea))

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

    def _letter(self, character: str) -> bool:
        """A letter typed on the choices, handled in its place among the keys (see
        :class:`ChoiceSet`); False when it means nothing here."""
        if character in {key for key, _, _ in CHOICES}:
            self.action_choose(character)
        elif character == "m":
            self.action_toggle_mute()
        elif character == "r":
            self.action_record()
        else:
            return False
        return True

    def action_choose(self, key: str) -> None:
        index = next(i for i, (k, _, _) in enumerate(CHOICES) if k == key)
        choices = self.query_one(ChoiceSet)
        buttons = list(choices.query(RadioButton))
        if index < len(buttons):
            buttons[index].value = True
        choices.highlight(index)
        self._set_choice(index)
        # At once, not deferred like focus(): a key typed right after (Enter, Tab) must already
        # act from the choices, so Enter records and Tab reaches the note.
        self.set_focus(choices)

    def action_toggle_mute(self) -> None:
        for box in self.query("#mute").results(Checkbox):
            if box.disabled:
                self.action_choose("f")
            box.value = not box.value

    @on(RadioSet.Changed)
    def _changed(self, event: RadioSet.Changed) -> None:
        if 0 <= event.index < len(CHOICES):
            self._set_choice(event.index)

    @on(Checkbox.Changed, "#mute")
    def _mute_changed(self, event: Checkbox.Changed) -> None:
        """A muted phrase belongs to this one alert: muting and applying to all exclude each
        other."""
        for box in self.query("#all").results(Checkbox):
            box.disabled = event.value
            if event.value:
                box.value = False

    # ----------------------------------------------------------------- results
    def action_record_key(self) -> None:
        self.action_record()

    @on(ChoiceSet.RecordRequested)
    @on(Input.Submitted, "#ack-note")
    @on(Button.Pressed, "#record")
    def action_record(self) -> None:
        action = self._selected()
        if action is None:
            self.query_one("#action-error", Label).update(
                "Choose how you handled it (s, p, v or f)."
            )
            self.query_one(ChoiceSet).focus()
            return
        note = " ".join(self.query_one("#ack-note", Input).value.split())
        mute = ""
        for box in self.query("#mute").results(Checkbox):
            if box.value and action is AckAction.FALSE_ALARM:
                mute = self.phrase
        every = any(box.value for box in self.query("#all").results(Checkbox)) and not mute
        result = Acknowledgement(action, note, mute, every)
        if not mute:
            self.dismiss(result)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(result)
            else:
                self.query_one("#mute", Checkbox).focus()

        self.app.push_screen(self.mute_question(), answer)

    def mute_question(self) -> Confirm:
        """Names the phrase and the client; in discreet mode the phrase stays hidden."""
        who = self.client_name or "this client"
        phrase = ("the phrase that raised this alert (hidden: discreet mode is on)"
                  if self.discreet else f'"{self.phrase}"')
        return Confirm(
            f"Stop flagging {phrase} for {who}?",
            yes="Stop flagging",
            no="Keep flagging",
            detail=f"It will no longer raise an alert for {who} in this or any later session, "
            "nor in roomguard check. The alert is recorded as a false alarm.",
        )

    def is_dirty(self) -> bool:
        return bool(self.query_one("#ack-note", Input).value.strip())
