"""Backups: the store's rolling backups, newest first; restore one or take one now.

A restore verifies the backup, backs up the current state first (so a restore can itself be
undone), replaces the store's files, then reopens the store and reloads home. Both writes run in
a thread worker; the screen refuses to leave or start another write until it is done.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from roomguard.core.dates import describe_date
from roomguard.core.retention import last_copy_gone
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError
from roomguard.store.backups import DAMAGED, GOOD, KEEP_DAYS, BackupInfo, recorded_state
from roomguard.widgets.literal import literal
from roomguard.widgets.record_table import RecordTable

if TYPE_CHECKING:
    from pathlib import Path


def describe_time(when: datetime) -> str:
    """``Wed 25 Nov 2026 10:00:03``: unambiguous whatever the coach's date convention."""
    return f"{describe_date(when.date())} {when:%H:%M:%S}"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size:,} bytes"  # pragma: no cover - the loop always returns


def _state_text(state: str) -> Text:
    """The state the backup's manifest recorded when it was taken (a restore checks again)."""
    return Text(state, style={GOOD: "green", DAMAGED: "bold red"}.get(state, "yellow"))


class BackupsScreen(UsesHost, Screen[None]):
    CSS_PATH = "backups.tcss"
    AUTO_FOCUS = "#backups"

    BINDINGS = [
        Binding("r", "restore", "Restore highlighted"),
        Binding("b", "backup_now", "Back up now"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._backups: dict[str, BackupInfo] = {}
        self._busy = ""  # what is running ("restoring", "backing up"), or ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="backups-summary")
        table = RecordTable(id="backups")
        table.add_column("Taken", key="taken")
        table.add_column("Reason", key="reason")
        table.add_column("Size", key="size")
        table.add_column("State", key="state")
        table.add_column("Rotated out by", key="rotation")
        yield table
        yield Static(
            Text(
                f"Backups are zip files of the whole store, kept for {KEEP_DAYS} days; the newest "
                "is always kept. Restoring backs up the current state first, so it can be undone."
            ),
            id="backups-help",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Backups"
        self.reload()

    # ----------------------------------------------------------------- data
    def reload(self) -> None:
        try:
            backups = self.host.store.list_backups()
        except OSError as exc:
            self.notify(f"Could not list the backups: {exc}", title="Backups", severity="error",
                        markup=False)
            backups = []
        self._backups = {str(b.path): b for b in backups}
        rows: list[tuple[str, list[Text]]] = []
        for index, info in enumerate(backups):
            if index == 0:
                rotation = Text("kept while newest", style="dim")
            else:
                gone = last_copy_gone([info.created], KEEP_DAYS)
                rotation = Text(describe_date(gone) if gone else "")
            rows.append((str(info.path), [
                Text(describe_time(info.created)),
                literal(info.reason),
                Text(human_size(info.size), justify="right"),
                _state_text(recorded_state(info.path)),
                rotation,
            ]))
        self.query_one("#backups", RecordTable).refill(rows)  # the cursor stays on its backup
        self._show_summary()

    def _show_summary(self) -> None:
        summary = self.query_one("#backups-summary", Static)
        store = self.host.store
        if self._busy:
            text = Text(f"{self._busy.capitalize()}…", style="bold")
        elif not self._backups:
            text = Text("No backups yet: press b to take one now.")
        else:
            total = sum(b.size for b in self._backups.values())
            count = len(self._backups)
            text = Text(f"{count} backup{'s' if count != 1 else ''}, {human_size(total)} in all")
        if store.readonly:
            text.append("  ·  read-only: restoring and backing up are not possible here",
                        style="bold yellow")
        summary.update(text)

    def highlighted(self) -> BackupInfo | None:
        key = self.query_one("#backups", RecordTable).highlighted_key()
        return self._backups.get(key or "")

    # ----------------------------------------------------------------- guards
    def _refuse(self, what: str) -> bool:
        """True (after saying why) when *what* cannot run now."""
        if self._busy:
            self.notify(f"Wait: {self._busy} is still running.", severity="warning")
            return True
        store = self.host.store
        if store.readonly:
            why = store.readonly_reason or "it was opened read-only"
            self.notify(
                f"The store is read-only, so {what} is not possible here: {why}",
                title="Read-only store",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return True
        return False

    def _set_busy(self, busy: str) -> None:
        self._busy = busy
        self._show_summary()

    # ----------------------------------------------------------------- restore
    def action_restore(self) -> None:
        info = self.highlighted()
        if info is None:
            self.notify("There is no backup to restore yet.", severity="warning")
            return
        if self._refuse("restoring a backup"):
            return
        from roomguard.screens.dialogs.confirm import Confirm

        def answer(yes: bool | None) -> None:
            if yes and not self._refuse("restoring a backup"):
                self._set_busy("restoring")
                self._restore(info)

        self.app.push_screen(
            Confirm(
                f"Restore the backup from {describe_time(info.created)}? "
                "The current state is backed up first.",
                yes="Restore",
                no="Cancel",
                detail=f"Backup: {info.name} ({info.reason}, {human_size(info.size)})",
            ),
            answer,
        )

    @work(thread=True, exclusive=True, group="backups-write", exit_on_error=False)
    def _restore(self, info: BackupInfo) -> None:
        try:
            self.host.store.restore(info.path)
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._restore_failed, exc)
            return
        self.app.call_from_thread(self._restored, info)

    def _restore_failed(self, exc: Exception) -> None:
        self._set_busy("")
        title = exc.title if isinstance(exc, StoreError) else "Restore failed"
        self.notify(
            f"The backup was not restored: {exc}. If any file was already replaced, the state "
            "from just before is in the newest \"pre-restore\" backup.",
            title=title,
            severity="error",
            timeout=20,
            markup=False,
        )
        self.reload()

    def _restored(self, info: BackupInfo) -> None:
        self._set_busy("")
        self.host.reopen_store()
        if self.host.store_problem is not None:
            # The restored files do not open (e.g. a newer schema): show the store problem
            # screen over home, which offers the other backups.
            from roomguard.screens.store_problem import StoreProblemScreen

            problem = self.host.store_problem
            self.app.pop_screen()
            self.app.push_screen(StoreProblemScreen(self.host.store_path, problem))
            return
        self.host.refresh_home()
        self.reload()
        self.notify(
            f"Restored the backup from {describe_time(info.created)}. The state before it was "
            "backed up first (reason: pre-restore).",
            title="Restored",
            timeout=10,
        )

    # ----------------------------------------------------------------- back up now
    def action_backup_now(self) -> None:
        if self._refuse("taking a backup"):
            return
        self._set_busy("backing up")
        self._take_backup()

    @work(thread=True, exclusive=True, group="backups-write", exit_on_error=False)
    def _take_backup(self) -> None:
        try:
            path = self.host.store.backup("manual")
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._backup_failed, exc)
            return
        self.app.call_from_thread(self._backed_up, path)

    def _backup_failed(self, exc: Exception) -> None:
        self._set_busy("")
        self.notify(f"The backup failed: {exc}", title="Backup failed", severity="error",
                    timeout=15, markup=False)
        self.reload()

    def _backed_up(self, path: Path) -> None:
        self._set_busy("")
        self.reload()
        table = self.query_one("#backups", RecordTable)
        if str(path) in table.rows:
            table.move_cursor(row=table.get_row_index(str(path)))
        self.notify(f"Backup taken: {path.name}", title="Backed up", markup=False)

    # ----------------------------------------------------------------- back
    def action_back(self) -> None:
        if self._busy:
            self.notify(f"Wait: {self._busy} is still running.", severity="warning")
            return
        self.dismiss(None)
