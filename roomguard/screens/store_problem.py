"""Shown instead of home when the store cannot be opened: what is wrong, and a way back.

The damaged file is never touched. The coach can restore the newest good backup (the current
state is itself backed up first) or quit and investigate.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError, restore_without_opening
from roomguard.store.backups import GOOD, BackupInfo, list_backups, recorded_state, verify
from roomguard.widgets.literal import literal


class StoreProblemScreen(UsesHost, Screen[None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = [
        Binding("r", "restore", "Restore selected backup"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, root: Path, problem: StoreError) -> None:
        super().__init__()
        self.root = root
        self.problem = problem

    def compose(self) -> ComposeResult:
        yield Header()
        backups = list_backups(self.root)
        self._states = {str(b.path): recorded_state(b.path) for b in backups}
        with DialogFrame(classes="dialog"):
            yield Static(self.problem.title, classes="title")
            yield Static(literal(str(self.problem), limit=None), id="problem")
            if backups:
                yield Static("Backups (newest first):", classes="field-label")
                yield Static("The newest backup recorded good is selected; a restore checks it "
                             "again first.", classes="muted")
                yield OptionList(*(self._option(b) for b in backups), id="backups")
            else:
                yield Static("No backups were found in this store.", classes="muted")
            with Horizontal(classes="buttons"):
                yield Button("Quit", id="quit")
                if backups:
                    yield Button("Restore selected backup", id="restore", variant="warning")
        yield Footer()

    def _option(self, info: BackupInfo) -> Option:
        state = self._states.get(str(info.path), "")
        label = f"{info.created:%Y-%m-%d %H:%M}  {info.reason}  ({info.size:,} bytes)  {state}"
        return Option(literal(label), id=str(info.path))

    def on_mount(self) -> None:
        if self.query("#backups"):
            options = self.query_one("#backups", OptionList)
            good = [i for i, state in enumerate(self._states.values()) if state == GOOD]
            options.highlighted = good[0] if good else 0  # never a damaged copy by default
            options.focus()

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()

    @on(Button.Pressed, "#restore")
    @on(OptionList.OptionSelected)
    def action_restore(self) -> None:
        if not self.query("#backups"):
            self.notify("There is no backup to restore.", severity="warning")
            return
        options = self.query_one("#backups", OptionList)
        if options.highlighted is None:
            return
        backup = Path(str(options.get_option_at_index(options.highlighted).id))
        try:
            verify(backup)
            restore_without_opening(self.root, backup)
        except (StoreError, OSError) as exc:
            self.notify(str(exc), title="Restore failed", severity="error", markup=False)
            return
        self.host.reopen_store()
        problem = self.host.store_problem
        if problem is not None:
            self.query_one("#problem", Static).update(literal(str(problem), limit=None))
            self.notify("That backup did not open either; try an older one.", severity="error")
            return
        from roomguard.screens.home import HomeScreen

        self.notify(f"Restored {backup.name}.")
        homes = [s for s in self.app.screen_stack if isinstance(s, HomeScreen)]
        if homes:  # shown over home (a restore from the backups screen): back to it
            self.app.pop_screen()
            homes[-1].reload()
        else:  # the first screen of this run: home goes on top
            self.app.push_screen(HomeScreen())
