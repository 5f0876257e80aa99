"""New client: the client and the coach become the agreement's first two parties."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.core.models import Agreement, Client, Participant, Role, Terms
from roomguard.core.validation import validate_client
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError


class ClientForm(UsesHost, DiscardGuard[Client]):
    CSS_PATH = "../modal.tcss"
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    DISCARD_QUESTION = "Discard this new client?"

    def compose(self) -> ComposeResult:
        coach = self.host.store.setting("coach_name", "") or ""
        with DialogFrame(classes="dialog"):
            yield Static("New client", classes="title")
            yield Label("Client's name", classes="field-label")
            yield Input(id="name", placeholder="e.g. Priya Raman")
            yield Label("", id="name-error", classes="error", markup=False)
            yield Label("How the client shows in transcripts (comma-separated, optional)",
                        classes="field-label")
            yield Input(id="aliases", placeholder="e.g. Priya, PR")
            yield Label("Your name (the coach)", classes="field-label")
            yield Input(coach, id="coach")
            yield Label("", id="coach-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def errors(self) -> dict[str, str]:
        name = self.query_one("#name", Input).value.strip()
        coach = self.query_one("#coach", Input).value.strip()
        out = {e.field: e.message for e in validate_client(Client(name, created_on=self.host.today()),
                                                         self.host.store.clients())}
        if not coach:
            out["coach"] = "your name is required: you are a party to every agreement"
        return out

    def _show(self, errors: dict[str, str]) -> None:
        for field in ("name", "coach"):
            self.query_one(f"#{field}-error", Label).update(errors.get(field, ""))

    @on(Input.Changed)
    def _revalidate(self) -> None:
        if any(str(lbl.content) for lbl in self.query(".error").results(Label)):
            self._show(self.errors())

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        errors = self.errors()
        self._show(errors)
        if errors:
            self.query_one(f"#{next(iter(errors))}", Input).focus()
            return
        name = self.query_one("#name", Input).value.strip()
        coach = self.query_one("#coach", Input).value.strip()
        aliases = [a.strip() for a in self.query_one("#aliases", Input).value.split(",") if a.strip()]
        now = self.host.clock().replace(microsecond=0)
        today = now.date()
        client = Client(name, created_on=today)
        agreement = Agreement(
            client_id=client.id,
            terms=Terms(created_at=now),
            participants=[
                Participant(name, Role.CLIENT, aliases=aliases, added_on=today),
                Participant(coach, Role.COACH, added_on=today),
            ],
        )
        store = self.host.store
        try:
            store.save_client(client)
            store.save_agreement(agreement)
            store.set_setting("coach_name", coach)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return  # the form stays open with everything typed
        self.dismiss(client)

    def is_dirty(self) -> bool:
        """The coach's name comes filled in from the last client: only the client's fields count."""
        return bool(self.query_one("#name", Input).value or self.query_one("#aliases", Input).value)
