"""One client's agreement: parties and their consent, private topics, what may be shared,
scope extensions and the review cadence, with a status line saying whether it is in force;
below the scopes, when there are any, the open to-dos (``o`` marks one done) and the muted
phrases, struck through with when and why (``u`` unmutes one, after asking).

Every change goes through a form (``agreement_forms/``) and is saved here. Changing the
boundaries (topics, shareable categories, scopes) makes a new version of the terms once anyone
has consented to the current one, and the screen says who must consent again.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from roomguard.core.cadence import DueState, review_due
from roomguard.core.consent import ConsentState, assess_consent, in_force, party_consents
from roomguard.core.dates import describe_date, format_date
from roomguard.core.document import render_consent_document
from roomguard.core.models import (
    Agreement,
    Client,
    ConsentRecord,
    Participant,
    PrivateTopic,
    ScopeExtension,
    Terms,
)
from roomguard.core.mutes import Mute, mutes_of, unmute_phrase
from roomguard.core.text import printable
from roomguard.core.todos import (
    TodoError,
    describe_todo,
    mark_done,
    open_todos,
    reconsent_todos,
    settle_consent_todos,
)
from roomguard.screens.host import UsesHost
from roomguard.screens.readable import output_folder, refusal, written
from roomguard.store import StoreError
from roomguard.store.atomic import atomic_write, ensure_dir
from roomguard.widgets.consent_table import PartiesTable
from roomguard.widgets.folding_footer import FoldingFooter
from roomguard.widgets.keyed_table import KeyedTable
from roomguard.widgets.literal import literal
from roomguard.widgets.mute_table import MuteTable
from roomguard.widgets.scope_table import ScopeTable
from roomguard.widgets.todo_table import TodoTable
from roomguard.widgets.topic_list import TopicTable

if TYPE_CHECKING:
    from roomguard.screens.agreement_forms.cadence_form import ReviewPlan
    from roomguard.screens.agreement_forms.revoke_form import Revocation

DOCUMENTS_DIR = "documents"


def _names(people: list[Participant]) -> str:
    return ", ".join(p.name for p in people)


def document_file_name(client_name: str, version: int, on: str) -> str:
    """``priya-raman-agreement-v2-2026-11-25.md``: safe on every file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", client_name.casefold()).strip("-")[:40] or "client"
    return f"{slug}-agreement-v{version}-{on}.md"


class AgreementsScreen(UsesHost, Screen[None]):
    CSS_PATH = "agreements.tcss"
    AUTO_FOCUS = "#parties"

    # Most used first: the footer shows as many as fit. All of them are in the palette.
    BINDINGS = [
        Binding("p", "add_party", "Add party"),
        Binding("t", "add_topic", "Add topic"),
        Binding("r", "record_consent", "Record consent"),
        Binding("v", "revoke_consent", "Revoke consent", show=False),
        Binding("g", "generate", "Generate document"),
        Binding("x", "add_scope", "Add scope extension", show=False),
        Binding("e", "edit", "Edit highlighted"),
        Binding("y", "history", "Terms history"),
        Binding("s", "shareable", "Shareable categories", show=False),
        Binding("k", "cadence", "Review cadence", show=False),
        Binding("n", "next_session", "Next session", show=False),
        Binding("d", "remove", "Remove highlighted", show=False),
        Binding("o", "todo_done", "Mark to-do done", show=False),
        Binding("u", "unmute", "Unmute phrase", show=False),
        Binding("escape", "back", "Back", show=False),
    ]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client: Client | None = None
        self.agreement = self._blank()
        self.changed = False

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="status")
        with Vertical(id="parties-pane", classes="pane"):
            yield PartiesTable(id="parties")
        with Vertical(id="scopes-pane", classes="pane"):
            yield ScopeTable(id="scopes")
        with Horizontal(id="followups"):  # one row: each pane only when it has something
            with Vertical(id="todos-pane", classes="pane"):
                yield TodoTable(id="todos")
            with Vertical(id="muted-pane", classes="pane"):
                yield MuteTable(id="muted")
        with Horizontal(id="lower"):
            with Vertical(id="topics-pane", classes="pane"):
                yield TopicTable(id="topics")
            with Vertical(id="side"):
                yield Static("", id="shareable", classes="pane")
                yield Static("", id="review", classes="pane")
        yield FoldingFooter(palette_from=130)  # the keys shown fit at 120; all are in help

    def on_mount(self) -> None:
        self.query_one("#parties-pane").border_title = "Parties"
        self.query_one("#scopes-pane").border_title = "Scope extensions"
        self.query_one("#todos-pane").border_title = "Open to-dos (o: mark done)"
        self.query_one("#muted-pane").border_title = "Muted phrases (u: unmute)"
        self.query_one("#shareable").border_title = "Shareable (s)"
        self.query_one("#review").border_title = "Review (k)"
        store = self.host.store
        try:
            self.client = store.client(self.client_id)
            agreement = store.agreement(self.client_id)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            self.app.pop_screen()
            return
        if self.client is None:
            self.notify("That client no longer exists.", severity="error")
            self.app.pop_screen()
            return
        self.agreement = agreement or self._blank()
        self.sub_title = printable(f"Agreement: {self.client.name}", 80)
        self.refresh_view()

    def _blank(self) -> Agreement:
        """An empty agreement for this client, its terms set now (until one is saved)."""
        now = self.host.clock().replace(microsecond=0)
        return Agreement(client_id=self.client_id, terms=Terms(created_at=now))

    # ----------------------------------------------------------------- showing
    def refresh_view(self) -> None:
        agreement = self.agreement
        today = self.host.today()
        rows = party_consents(agreement, today)
        names = {p.id: p.name for p in agreement.participants}
        self.query_one(PartiesTable).show(rows, today)
        self.query_one(TopicTable).show(agreement.terms, names, agreement.muted_phrases)
        self.query_one(ScopeTable).show(agreement.terms, names, today)
        todos = open_todos(agreement)
        self.query_one(TodoTable).show(todos)
        self.query_one("#todos-pane").display = bool(todos)
        mutes = mutes_of(agreement)
        self.query_one(MuteTable).show(mutes)
        self.query_one("#muted-pane").display = bool(mutes)
        self.query_one("#followups").display = bool(todos or mutes)
        self.query_one(
            "#topics-pane"
        ).border_title = f"Private topics · terms version {agreement.terms.version}"
        shareable = ", ".join(agreement.terms.shareable)
        self.query_one("#shareable", Static).update(
            literal(shareable, limit=300) if shareable else Text("nothing", style="dim")
        )
        self.query_one("#review", Static).update(self._review_text())
        self.query_one("#status", Static).update(self.status_text())

    def status_text(self) -> Text:
        """``In force`` or ``Not in force: X, Y must consent to version N``."""
        agreement = self.agreement
        today = self.host.today()
        version = agreement.terms.version
        rows = party_consents(agreement, today)
        if in_force(agreement, today):
            text = Text("✓ In force", style="bold green", end="")
            text.append(f" · everyone has consented to terms version {version}")
            soon = [r for r in rows if r.state is ConsentState.EXPIRING_SOON]
            for row in soon:
                assert row.record is not None and row.record.expires_on is not None
                text.append(" · ")
                text.append_text(literal(row.participant.name, limit=60))
                text.append(
                    f"'s consent expires {format_date(row.record.expires_on)}", style="yellow"
                )
            return text
        text = Text("✗ Not in force: ", style="bold red", end="")
        if agreement.client_party() is None:
            text.append("the agreement has no client party")
            return text
        missing = [r.participant for r in rows if not r.state.is_valid]
        text.append_text(literal(_names(missing), limit=300))
        text.append(f" must consent to version {version}")
        return text

    def _review_text(self) -> Text:
        agreement = self.agreement
        today = self.host.today()
        describe = agreement.cadence.describe()
        text = literal(describe[0].upper() + describe[1:], limit=120)
        if agreement.next_review is not None:
            text.append(f"\nNext review {describe_date(agreement.next_review)}")
        else:
            text.append("\nNo review scheduled", style="dim")
        due = review_due(agreement, today)
        if due.state in (DueState.OVERDUE, DueState.DUE_SOON) and due.due_on is not None:
            style = "bold red" if due.state is DueState.OVERDUE else "yellow"
            text.append(
                f"\n{due.state.value.capitalize()} {format_date(due.due_on)}: ", style=style
            )
            text.append_text(literal("; ".join(due.reasons), limit=300))
        # The booked session (n) was shown only in the assistant-safe summary.
        booked = agreement.next_session
        if booked is not None:
            text.append(f"\nNext session {describe_date(booked.date())}, {booked:%H:%M} (n)")
        else:
            text.append("\nNo next session booked (n)", style="dim")
        return text

    # ----------------------------------------------------------------- what is highlighted
    def _focused_table(self) -> KeyedTable:
        focused = self.focused
        if isinstance(focused, TopicTable | ScopeTable | TodoTable | MuteTable):
            return focused
        return self.query_one(PartiesTable)

    def highlighted_party(self) -> Participant | None:
        key = self.query_one(PartiesTable).highlighted_key()
        return self.agreement.participant(key) if key else None

    def highlighted_topic(self) -> PrivateTopic | None:
        key = self.query_one(TopicTable).highlighted_key()
        return self.agreement.terms.topic(key) if key else None

    def highlighted_scope(self) -> ScopeExtension | None:
        key = self.query_one(ScopeTable).highlighted_key()
        return next((s for s in self.agreement.terms.scopes if s.id == key), None)

    def highlighted_mute(self) -> Mute | None:
        key = self.query_one(MuteTable).highlighted_key()
        return next((m for m in mutes_of(self.agreement) if m.phrase == key), None)

    # ----------------------------------------------------------------- saving
    def save(self, agreement: Agreement) -> bool:
        """Save *agreement* and show it; on a store error say why and keep the old state."""
        try:
            self.host.store.save_agreement(agreement)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False, timeout=10)
            return False
        self.agreement = agreement
        self.changed = True
        self.refresh_view()
        return True

    def change_terms(self, change: Callable[[Terms], None]) -> bool:
        """Apply *change* to a copy of the terms and save it.

        Once anyone has a consent record for the current version, a boundary change makes a
        new version (:func:`~roomguard.core.consent.amend_terms`) and everyone must consent
        again. A version nobody has signed yet is still a draft and is edited in place, so
        setting up a new agreement topic by topic does not run through a dozen versions.
        """
        from roomguard.core.consent import amend_terms

        agreement = copy.deepcopy(self.agreement)
        terms = copy.deepcopy(agreement.terms)
        change(terms)
        if agreement.terms.same_boundaries(terms):
            return True
        version = agreement.terms.version
        signed = any(r.terms_version == version for r in agreement.consents)
        now = self.host.clock().replace(microsecond=0)
        if signed:
            amend_terms(agreement, terms, now)
            agreement.todos += reconsent_todos(agreement, self.host.today(), now)
        else:
            terms.created_at = now
            agreement.terms = terms
        if not self.save(agreement):
            return False
        if signed:
            today = self.host.today()
            must = [r.participant for r in party_consents(agreement, today) if not r.state.is_valid]
            self.notify(
                f"The terms are now version {agreement.terms.version}. "
                f"Must consent again: {_names(must)}.",
                title="New version of the terms",
                severity="warning",
                markup=False,
                timeout=10,
            )
        return True

    # ----------------------------------------------------------------- parties
    def action_add_party(self) -> None:
        self._party_form(None)

    def _party_form(self, existing: Participant | None) -> None:
        from roomguard.screens.agreement_forms.party_form import PartyForm

        today = self.host.today()
        self.app.push_screen(
            PartyForm(
                self._save_party,
                others=self.agreement.active_participants(today),
                today=today,
                existing=existing,
            )
        )

    def _save_party(self, person: Participant) -> bool:
        agreement = copy.deepcopy(self.agreement)
        index = next((i for i, p in enumerate(agreement.participants) if p.id == person.id), None)
        if index is None:
            agreement.participants.append(person)
        else:
            agreement.participants[index] = person
        if not self.save(agreement):
            return False
        self.query_one(PartiesTable).select_key(person.id)
        if index is None:
            self.notify(
                f"Added {person.name}. Record their written consent (r) before they join a "
                "session.",
                markup=False,
            )
        return True

    # ----------------------------------------------------------------- topics
    def action_add_topic(self) -> None:
        self._topic_form(None)

    def _topic_form(self, existing: PrivateTopic | None) -> None:
        from roomguard.screens.agreement_forms.topic_form import TopicForm

        terms = self.agreement.terms
        self.app.push_screen(
            TopicForm(
                self._save_topic,
                others=terms.topics,
                shareable=terms.shareable,
                muted=self.agreement.muted_phrases,
                existing=existing,
            )
        )

    def _save_topic(self, topic: PrivateTopic) -> bool:
        def change(terms: Terms) -> None:
            index = next((i for i, t in enumerate(terms.topics) if t.id == topic.id), None)
            if index is None:
                terms.topics.append(topic)
            else:
                terms.topics[index] = topic

        if not self.change_terms(change):
            return False
        self.query_one(TopicTable).select_key(topic.id)
        return True

    # ----------------------------------------------------------------- scopes
    def action_add_scope(self) -> None:
        today = self.host.today()
        if not any(p.role.is_third_party for p in self.agreement.active_participants(today)):
            self.notify("Add a third party first (p).", severity="warning")
            return
        if not self.agreement.terms.topics:
            self.notify("Add a private topic first (t).", severity="warning")
            return
        party = self.highlighted_party()
        self._scope_form(None, party.id if party else None)

    def _scope_form(self, existing: ScopeExtension | None, participant_id: str | None) -> None:
        from roomguard.screens.agreement_forms.scope_form import ScopeForm

        self.app.push_screen(
            ScopeForm(
                self._save_scope,
                agreement=self.agreement,
                today=self.host.today(),
                existing=existing,
                participant_id=participant_id,
            )
        )

    def _save_scope(self, scope: ScopeExtension) -> bool:
        def change(terms: Terms) -> None:
            index = next((i for i, s in enumerate(terms.scopes) if s.id == scope.id), None)
            if index is None:
                terms.scopes.append(scope)
            else:
                terms.scopes[index] = scope

        if not self.change_terms(change):
            return False
        self.query_one(ScopeTable).select_key(scope.id)
        return True

    # ----------------------------------------------------------------- shareable and review
    def action_shareable(self) -> None:
        from roomguard.screens.agreement_forms.shareable_form import ShareableForm

        terms = self.agreement.terms
        self.app.push_screen(
            ShareableForm(
                self._save_shareable,
                categories=terms.shareable,
                topic_names=[t.name for t in terms.topics],
            )
        )

    def _save_shareable(self, categories: list[str]) -> bool:
        def change(terms: Terms) -> None:
            terms.shareable = categories

        return self.change_terms(change)

    def action_cadence(self) -> None:
        from roomguard.screens.agreement_forms.cadence_form import CadenceForm

        self.app.push_screen(
            CadenceForm(
                self._save_cadence,
                cadence=self.agreement.cadence,
                next_review=self.agreement.next_review,
                today=self.host.today(),
            )
        )

    def _save_cadence(self, plan: ReviewPlan) -> bool:
        agreement = copy.deepcopy(self.agreement)
        agreement.cadence = plan.cadence
        agreement.next_review = plan.next_review
        return self.save(agreement)

    def action_next_session(self) -> None:
        from roomguard.screens.agreement_forms.next_session_form import NextSessionForm

        self.app.push_screen(
            NextSessionForm(
                self._save_next_session, current=self.agreement.next_session, today=self.host.today()
            )
        )

    def _save_next_session(self, when: datetime | None) -> bool:
        agreement = copy.deepcopy(self.agreement)
        agreement.next_session = when
        return self.save(agreement)

    # ----------------------------------------------------------------- consent
    def action_record_consent(self) -> None:
        from roomguard.screens.agreement_forms.consent_form import ConsentForm

        party = self.highlighted_party()
        self.app.push_screen(
            ConsentForm(
                self._save_consent,
                agreement=self.agreement,
                today=self.host.today(),
                participant_id=party.id if party else None,
            )
        )

    def _save_consent(self, record: ConsentRecord) -> bool:
        agreement = copy.deepcopy(self.agreement)
        agreement.consents.append(record)
        now = self.host.clock().replace(microsecond=0)
        settled = settle_consent_todos(agreement, self.host.today(), now)
        if not self.save(agreement):
            return False
        person = agreement.participant(record.participant_id)
        name = person.name if person else "?"
        message = f"Recorded {name}'s consent to terms version {record.terms_version}."
        if settled:
            message += f" {len(settled)} to-do{'s' if len(settled) != 1 else ''} done."
        if in_force(agreement, self.host.today()):
            message += " The agreement is in force."
        self.notify(message, markup=False)
        return True

    def action_revoke_consent(self) -> None:
        from roomguard.screens.agreement_forms.revoke_form import RevokeForm

        party = self.highlighted_party()
        if party is None:
            self.notify("Highlight a party first.", severity="warning")
            return
        today = self.host.today()
        assessment = assess_consent(self.agreement, party.id, today)
        if not assessment.state.is_valid or assessment.record is None:
            self.notify(
                f"{party.name} has no consent in force to revoke ({assessment.state.value}).",
                severity="warning",
                markup=False,
            )
            return
        self.app.push_screen(
            RevokeForm(self._save_revocation, party=party, record=assessment.record, today=today)
        )

    def _save_revocation(self, revocation: Revocation) -> bool:
        agreement = copy.deepcopy(self.agreement)
        record = next((r for r in agreement.consents if r.id == revocation.record_id), None)
        if record is None:  # pragma: no cover - the form is given a record of this agreement
            return False
        record.revoked_on = revocation.revoked_on
        record.revocation_note = revocation.note
        if not self.save(agreement):
            return False
        person = agreement.participant(record.participant_id)
        self.notify(
            f"{person.name if person else '?'}'s consent is revoked from "
            f"{format_date(revocation.revoked_on)}.",
            severity="warning",
            markup=False,
        )
        return True

    # ----------------------------------------------------------------- editing and removing
    def action_edit(self) -> None:
        table = self._focused_table()
        if isinstance(table, TodoTable | MuteTable):
            what = "A to-do is only marked done (o)" if isinstance(table, TodoTable) else (
                "A muted phrase is only unmuted (u)")
            self.notify(f"{what}; nothing else to edit.", severity="warning")
            return
        if isinstance(table, TopicTable):
            topic = self.highlighted_topic()
            if topic is None:
                self.notify("No topic to edit. Add one with t.", severity="warning")
            else:
                self._topic_form(topic)
        elif isinstance(table, ScopeTable):
            scope = self.highlighted_scope()
            if scope is None:
                self.notify("No scope extension to edit. Add one with x.", severity="warning")
            else:
                self._scope_form(scope, scope.participant_id)
        else:
            party = self.highlighted_party()
            if party is None:
                self.notify("No party to edit. Add one with p.", severity="warning")
            else:
                self._party_form(party)

    def action_remove(self) -> None:
        from roomguard.screens.dialogs.confirm import Confirm

        table = self._focused_table()
        today = self.host.today()
        if isinstance(table, TodoTable):
            self.action_todo_done()
            return
        if isinstance(table, MuteTable):
            self.action_unmute()
            return
        if isinstance(table, TopicTable):
            topic = self.highlighted_topic()
            if topic is None:
                return
            question = f"Remove the private topic {topic.name}?"
            detail = "Scope extensions for it lose this topic. " + self._new_version_warning()

            def remove_topic(terms: Terms) -> None:
                terms.topics = [t for t in terms.topics if t.id != topic.id]
                for scope in terms.scopes:
                    scope.topic_ids = [t for t in scope.topic_ids if t != topic.id]
                terms.scopes = [s for s in terms.scopes if s.topic_ids]

            action: Callable[[], object] = lambda: self.change_terms(remove_topic)  # noqa: E731
        elif isinstance(table, ScopeTable):
            scope = self.highlighted_scope()
            if scope is None:
                return
            person = self.agreement.participant(scope.participant_id)
            question = f"Remove the scope extension for {person.name if person else '?'}?"
            detail = self._new_version_warning()

            def remove_scope(terms: Terms) -> None:
                terms.scopes = [s for s in terms.scopes if s.id != scope.id]

            action = lambda: self.change_terms(remove_scope)  # noqa: E731
        else:
            party = self.highlighted_party()
            if party is None:
                return
            if not party.role.is_third_party:
                self.notify(
                    f"The {party.role.label} is a party to every agreement and cannot be removed.",
                    severity="warning",
                )
                return
            question = f"End {party.name}'s involvement?"
            detail = "They leave the agreement today; their records are kept."

            def end_party() -> bool:
                agreement = copy.deepcopy(self.agreement)
                found = agreement.participant(party.id)
                assert found is not None
                found.ended_on = today
                return self.save(agreement)

            action = end_party

        def answer(yes: bool | None) -> None:
            if yes:
                action()

        self.app.push_screen(Confirm(question, yes="Remove", no="Keep", detail=detail), answer)

    def _new_version_warning(self) -> str:
        version = self.agreement.terms.version
        if any(r.terms_version == version for r in self.agreement.consents):
            return f"This makes version {version + 1} of the terms; everyone must consent again."
        return ""

    # ----------------------------------------------------------------- to-dos and mutes
    def action_todo_done(self) -> None:
        from roomguard.screens.dialogs.confirm import Confirm

        key = self.query_one(TodoTable).highlighted_key()
        todo = next((t for t in open_todos(self.agreement) if t.id == key), None)
        if todo is None:
            self.notify("No open to-do to mark done.", severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            agreement = copy.deepcopy(self.agreement)
            now = self.host.clock().replace(microsecond=0)
            try:
                mark_done(agreement, todo.id, now)
            except TodoError as exc:
                self.notify(str(exc), severity="warning")
                return
            if self.save(agreement):
                self.notify(f"Done {format_date(now.date())}: {todo.text}", title="To-do done",
                            markup=False)

        self.app.push_screen(
            Confirm("Mark this to-do done?", yes="Done", no="Keep open",
                    detail=describe_todo(todo)),
            answer,
        )

    def action_unmute(self) -> None:
        from roomguard.screens.dialogs.confirm import Confirm

        mute = self.highlighted_mute()
        if mute is None:
            self.notify("No muted phrase. A phrase is muted when a false alarm is acknowledged "
                        "with \"stop flagging\".", severity="warning")
            return
        client = self.client.name if self.client is not None else "this client"
        question = f'Flag "{mute.phrase}" again for {client}?'
        detail = (f"It was {mute.describe()}. Unmuted, it alerts again in every session and "
                  "check of this client.")

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            agreement = copy.deepcopy(self.agreement)
            if unmute_phrase(agreement, mute.phrase) and self.save(agreement):
                self.notify(f'"{mute.phrase}" is flagged again for {client}.', title="Unmuted",
                            markup=False)

        self.app.push_screen(Confirm(question, yes="Unmute", no="Keep muted", detail=detail),
                             answer)

    # ----------------------------------------------------------------- history and document
    def action_history(self) -> None:
        from roomguard.screens.agreement_forms.terms_history import TermsHistory

        self.app.push_screen(TermsHistory(self.agreement, self.host.today()))

    def documents_dir(self) -> Path:
        """The store's own folder, or ~/Documents/Roomguard for an encrypted store (see
        screens/readable.py)."""
        return output_folder(self.host.store, DOCUMENTS_DIR)

    def action_generate(self) -> None:
        from roomguard.screens.agreement_forms.document_form import DocumentForm

        if self.client is None:
            return
        name = document_file_name(
            self.client.name, self.agreement.terms.version, format_date(self.host.today())
        )
        self.app.push_screen(
            DocumentForm(
                self._generate_to,
                suggested=self.documents_dir() / name,
                version=self.agreement.terms.version,
            )
        )

    def _generate_to(self, path: Path) -> bool:
        assert self.client is not None
        text = render_consent_document(self.agreement, self.client.name, self.host.today())
        self.write_document(path, text)
        return True

    @work(thread=True, group="documents", exit_on_error=False)
    def write_document(self, path: Path, text: str) -> None:
        """Write the document 0600; the default folder is created 0700. An encrypted store
        keeps no readable file in its folder."""
        store = self.host.store
        refused = refusal(store, path)
        if refused:
            self.app.call_from_thread(self.notify, refused, title="Document not written",
                                      severity="error", markup=False, timeout=10)
            return
        try:
            if path.parent == self.documents_dir():
                ensure_dir(path.parent)
            else:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(path, text.encode("utf-8"))
        except OSError as exc:
            self.app.call_from_thread(
                self.notify,
                f"Could not write {path}: {exc.strerror or exc}",
                title="Document not written",
                severity="error",
                markup=False,
                timeout=10,
            )
            return
        self.app.call_from_thread(
            self.notify,
            written(store, "Consent document", path),
            title="Document ready",
            markup=False,
            timeout=10,
        )

    # ----------------------------------------------------------------- leaving
    def action_back(self) -> None:
        if self.changed:
            self.host.refresh_home()
        self.app.pop_screen()
