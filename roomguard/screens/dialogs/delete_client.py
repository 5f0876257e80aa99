"""Delete a client and every record of them, after offering an export and a typed confirmation.

Professional codes ask coaches to dispose of records securely once they no longer need them.
Deleting purges the live store at once (client, agreement, every session and its journal) and
then takes a fresh backup, so the newest backup no longer holds the client. Older backups still
do until rotation removes them; the message after deleting says by when.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.core.dates import describe_date
from roomguard.core.models import Client
from roomguard.core.retention import last_copy_gone
from roomguard.core.text import printable
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError
from roomguard.store.backups import KEEP_DAYS, BackupInfo
from roomguard.widgets.literal import literal

EXPORT_DIR = "exports"


def safe_name(name: str) -> str:
    """A file-name-safe form of a client's name: ``Zoë O'Neil`` → ``zoe-o-neil``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "client"


def export_path(store_root: Path, name: str, today: date) -> Path:
    """``<store>/exports/<safe-name>-<date>.json``, numbered so no earlier export is overwritten."""
    folder = store_root / EXPORT_DIR
    stem = f"{safe_name(name)}-{today.isoformat()}"
    path = folder / f"{stem}.json"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.json"
        number += 1
    return path


@dataclass(frozen=True)
class Holdings:
    """What deleting the client removes, and the backups that hold a copy."""

    sessions: int
    has_agreement: bool
    parties: int
    consents: int
    backups: list[BackupInfo]


@dataclass(frozen=True)
class DeletionResult:
    sessions_removed: int
    older_backups: list[BackupInfo]  # pre-deletion backups still on disk after the fresh one
    backups_before: int
    fresh_backup: Path | None
    fresh_backup_error: str
    export: Path | None
    export_in_fresh_backup: bool


def deletion_message(name: str, result: DeletionResult) -> str:
    """What the coach is told after deleting: what went, and when the last copy is gone."""
    who = printable(name)
    sessions = result.sessions_removed
    parts = [f"Deleted {who} ({sessions} session{'s' if sessions != 1 else ''} and the agreement)."]
    gone = last_copy_gone([b.created for b in result.older_backups], KEEP_DAYS)
    if result.fresh_backup_error:
        parts.append(
            f"Taking a fresh backup failed ({result.fresh_backup_error}): until a newer backup is "
            "taken (Backups, key b), the newest backup still holds their records and is kept."
        )
    if gone is not None:
        parts.append(
            "Older backups that still hold their records will be rotated out by "
            f"{describe_date(gone)} (at the first backup Roomguard takes on or after that day)."
        )
    elif result.backups_before:
        parts.append("The older backups that held their records have been rotated out.")
    else:
        parts.append("There were no backups: the live store was the only copy, and it is purged.")
    if result.export is not None and result.export.exists():
        where = " and so does the fresh backup, because it sits in the store folder" if (
            result.export_in_fresh_backup) else ""
        parts.append(
            f"Your export {result.export} still holds their records{where}: move it somewhere "
            "safe, or delete it when it is no longer needed."
        )
    return " ".join(parts)


class DeleteClientScreen(UsesHost, DiscardGuard[bool]):
    """Dismisses with True once the client is deleted, None when closed without deleting."""

    CSS_PATH = ["../modal.tcss", "delete_client.tcss"]
    AUTO_FOCUS = "#confirm-name"
    DISCARD_YES = "Keep client"
    DISCARD_NO = "Stay here"

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client
        self._export: Path | None = None
        self._busy = ""

    def compose(self) -> ComposeResult:
        title = Text("Delete ")
        title.append_text(literal(self.client.name))
        title.append(" and every record of them?")
        with DialogFrame(classes="dialog", id="delete-dialog"):
            yield Static(title, classes="title")
            yield Static(Text("Counting their records…", style="dim"), id="what")
            yield Static("", id="copies")
            yield Label("Type the client's name exactly to confirm:", classes="field-label")
            yield Static(literal(self.client.name, style="bold"), id="expected-name")
            yield Input(id="confirm-name", placeholder="client's name")
            yield Static("", id="name-hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export first", id="export")
                yield Button("Delete", id="delete", variant="error", disabled=True)

    def on_mount(self) -> None:
        self._show_hint()
        self._count()

    # ----------------------------------------------------------------- what will go
    @work(thread=True, exclusive=True, group="delete-count", exit_on_error=False)
    def _count(self) -> None:
        store = self.host.store
        try:
            agreement = store.agreement(self.client.id)
            sessions = sum(1 for _ in store.sessions(client_id=self.client.id))
            backups = store.list_backups()
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._count_failed, exc)
            return
        holdings = Holdings(
            sessions=sessions,
            has_agreement=agreement is not None,
            parties=len(agreement.participants) if agreement else 0,
            consents=len(agreement.consents) if agreement else 0,
            backups=backups,
        )
        self.app.call_from_thread(self._show_holdings, holdings)

    def _count_failed(self, exc: Exception) -> None:
        self.query_one("#what", Static).update(
            Text(f"Could not count their records: {exc}", style="bold red")
        )

    def _show_holdings(self, h: Holdings) -> None:
        what = Text("This permanently deletes from this computer:\n")
        what.append("  • the client record for ")
        what.append_text(literal(self.client.name))
        what.append("\n")
        if h.has_agreement:
            what.append(
                f"  • their confidentiality agreement ({h.parties} "
                f"part{'ies' if h.parties != 1 else 'y'}, {h.consents} consent "
                f"record{'s' if h.consents != 1 else ''}, every earlier version of the terms)\n"
            )
        else:
            what.append("  • (no agreement on file)\n")
        what.append(
            f"  • {h.sessions} session{'s' if h.sessions != 1 else ''} and "
            f"{'their audit trails' if h.sessions != 1 else 'its audit trail'}"
        )
        self.query_one("#what", Static).update(what)
        copies = Text()
        if h.backups:
            gone = last_copy_gone([b.created for b in h.backups], KEEP_DAYS)
            count = len(h.backups)
            copies.append(
                f"{count} backup{'s' if count != 1 else ''} taken before now still "
                f"hold{'s' if count == 1 else ''} their records. A fresh backup is taken right "
                "after deleting, and "
                f"rotation removes the older ones by {describe_date(gone) if gone else '—'}."
            )
        else:
            copies.append("There are no backups: the live store is the only copy.")
        copies.append(" Export first if you must keep a copy (e.g. to hand to the client).")
        self.query_one("#copies", Static).update(copies)

    # ----------------------------------------------------------------- typed confirmation
    def _name_matches(self) -> bool:
        typed = self.query_one("#confirm-name", Input).value
        return typed.strip() == self.client.name.strip() and bool(typed.strip())

    def _show_hint(self) -> None:
        hint = self.query_one("#name-hint", Static)
        typed = self.query_one("#confirm-name", Input).value
        store = self.host.store
        if store.readonly:
            why = store.readonly_reason or "it was opened read-only"
            hint.update(f"The store is read-only, so nothing can be deleted here: {why}")
            hint.set_classes("error")
        elif self._name_matches():
            hint.update("The name matches: Delete is enabled.")
            hint.set_classes("ok")
        elif typed:
            hint.update("Does not match the name shown yet (spelling and capitals count).")
            hint.set_classes("error")
        else:
            hint.update("Type the name exactly as shown above to enable Delete.")
            hint.set_classes("")
        self.query_one("#delete", Button).disabled = (
            bool(self._busy) or store.readonly or not self._name_matches()
        )

    @on(Input.Changed, "#confirm-name")
    def _typed(self) -> None:
        self._show_hint()

    def _set_busy(self, busy: str) -> None:
        self._busy = busy
        for button in self.query(Button):
            if button.id != "delete":
                button.disabled = bool(busy)
        self.query_one("#confirm-name", Input).disabled = bool(busy)
        self._show_hint()

    # ----------------------------------------------------------------- export first
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self._busy:
            return
        self._set_busy("exporting")
        self._write_export(self.host.today())

    @work(thread=True, exclusive=True, group="delete-client", exit_on_error=False)
    def _write_export(self, today: date) -> None:
        from roomguard.store.atomic import atomic_write, ensure_dir
        from roomguard.store.portability import export_bytes

        store = self.host.store
        try:
            data = export_bytes(store, self.client.id)
            path = export_path(store.root, self.client.name, today)
            ensure_dir(path.parent)
            atomic_write(path, data)
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._export_failed, exc)
            return
        self.app.call_from_thread(self._exported, path)

    def _export_failed(self, exc: Exception) -> None:
        self._set_busy("")
        self.notify(f"The export was not written: {exc}", title="Export failed",
                    severity="error", timeout=15, markup=False)

    def _exported(self, path: Path) -> None:
        self._set_busy("")
        self._export = path
        self.query_one("#export", Button).label = "Export again"
        self.notify(
            f"Exported {printable(self.client.name)} to {path} (readable only by you).",
            title="Exported",
            timeout=15,
            markup=False,
        )

    # ----------------------------------------------------------------- delete
    @on(Input.Submitted, "#confirm-name")
    @on(Button.Pressed, "#delete")
    def action_delete(self) -> None:
        if self._busy or self.host.store.readonly or not self._name_matches():
            self._show_hint()
            return
        self._set_busy("deleting")
        self._delete()

    @work(thread=True, exclusive=True, group="delete-client", exit_on_error=False)
    def _delete(self) -> None:
        store = self.host.store
        try:
            before = store.list_backups()
            removed = store.delete_client(self.client.id)
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._delete_failed, exc)
            return
        fresh: Path | None = None
        fresh_error = ""
        in_fresh = False
        try:
            fresh = store.backup("post-deletion")
        except (StoreError, OSError) as exc:
            fresh_error = str(exc)
        if fresh is not None and self._export is not None:
            rel = self._export.relative_to(store.root).as_posix()
            try:
                with zipfile.ZipFile(fresh) as zf:
                    in_fresh = rel in zf.namelist()
            except (OSError, zipfile.BadZipFile):
                in_fresh = False
        result = DeletionResult(
            sessions_removed=removed,
            older_backups=[b for b in before if b.path.exists()],  # rotation may have removed some
            backups_before=len(before),
            fresh_backup=fresh,
            fresh_backup_error=fresh_error,
            export=self._export,
            export_in_fresh_backup=in_fresh,
        )
        self.app.call_from_thread(self._deleted, result)

    def _delete_failed(self, exc: Exception) -> None:
        self._set_busy("")
        self.notify(
            f"Deleting {printable(self.client.name)} stopped: {str(exc).rstrip('.')}. Some records "
            "may already be "
            "gone; the newest backup still holds everything (Backups can restore it), or try "
            "again.",
            title=exc.title if isinstance(exc, StoreError) else "Delete failed",
            severity="error",
            timeout=20,
            markup=False,
        )

    def _deleted(self, result: DeletionResult) -> None:
        self._busy = ""
        self.notify(
            deletion_message(self.client.name, result),
            title="Client deleted",
            severity="warning" if result.fresh_backup_error else "information",
            timeout=30,
            markup=False,
        )
        self.dismiss(True)

    # ----------------------------------------------------------------- cancel
    def can_cancel(self) -> bool:
        if self._busy:
            self.notify(f"Wait: {self._busy} is still running.", severity="warning")
        return not self._busy

    def is_dirty(self) -> bool:
        return bool(self.query_one("#confirm-name", Input).value)

    def discard_question(self) -> str:
        return f"Keep {self.client.name} and close this dialog? Nothing has been deleted."
