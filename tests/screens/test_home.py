"""Home screen: onboarding, demo data, navigation, literal names, read-only stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from roomguard.app import RoomguardApp
from roomguard.screens.dialogs.client_form import ClientForm
from roomguard.screens.dialogs.onboarding import Onboarding
from roomguard.screens.home import HomeScreen
from roomguard.screens.lock.passphrase_form import PassphraseForm
from roomguard.store import Store
from roomguard.widgets.due_summary import DueSummary
from roomguard.widgets.record_table import RecordTable
from tests.builders import build_client
from tests.screens.helpers import make_app, screen_text, seeded_store, settle


def client_names(app) -> list[str]:
    table = app.screen.query_one("#clients", RecordTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


async def no_encryption(pilot) -> None:
    """The onboarding's first step: the explicit "No encryption" (tests/screens/test_lock.py
    covers the passphrase)."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, PassphraseForm)
    await pilot.click("#plain")
    await settle(pilot)


class TestOnboarding:
    async def test_empty_store_asks_for_a_passphrase_then_offers_onboarding(
        self, store_path: Path
    ) -> None:
        app = make_app(store_path)
        async with app.run_test() as pilot:
            await no_encryption(pilot)
            assert isinstance(app.screen, Onboarding)

    async def test_demo_choice_loads_a_practice(self, store_path: Path) -> None:
        app = make_app(store_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await no_encryption(pilot)
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert "Priya Raman" in client_names(app)
            summary = app.screen.query_one(DueSummary)
            assert summary.overdue == 1 and summary.due_soon == 2

    async def test_later_leaves_an_empty_home(self, store_path: Path) -> None:
        app = make_app(store_path)
        async with app.run_test() as pilot:
            await no_encryption(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert client_names(app) == []

    async def test_first_client_from_onboarding(self, store_path: Path) -> None:
        app = make_app(store_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await no_encryption(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, ClientForm)
            await pilot.click("#name")
            await pilot.press(*"Dana Reyes")
            await pilot.click("#coach")
            await pilot.press(*"Alex")
            await pilot.press("ctrl+s")
            await settle(pilot)
        with Store.open(store_path, readonly=True) as store:
            (client,) = store.clients()
            assert client.name == "Dana Reyes"
            agreement = store.agreement(client.id)
            assert agreement is not None
            assert [p.name for p in agreement.participants] == ["Dana Reyes", "Alex"]


class TestClientForm:
    async def test_name_required_and_nothing_saved(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ClientForm)
            error = app.screen.query_one("#name-error")
            assert "required" in str(error.content)

    async def test_duplicate_name_rejected_case_insensitively(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            app.screen.query_one("#name").value = "priya  RAMAN"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ClientForm)
            assert "already a client called" in str(app.screen.query_one("#name-error").content)
            assert app.screen.query_one("#name").value == "priya  RAMAN"  # nothing typed is lost

    async def test_cancel_with_typing_asks_first(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            app.screen.query_one("#name").value = "Half typed"
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("n")  # "keep editing"
            await settle(pilot)
            assert isinstance(app.screen, ClientForm)
            assert app.screen.query_one("#name").value == "Half typed"


class TestHome:
    async def test_hostile_names_show_literally(self, store_path: Path) -> None:
        with Store.open(store_path) as store:
            store.save_client(build_client("[bold]Eve[/] \x1b]52;c;aGk=\x07"))
        app = make_app(store_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            (name,) = client_names(app)
            assert name.startswith("[bold]Eve[/] ")
            assert "\x1b" not in name and "\x07" not in name

    async def test_help_lists_keys(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            text = " ".join(str(s.content) for s in app.screen.query(Static))
            assert "Start session" in str(app.screen.query(Static).last().render()) or "Keys" in text
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)

    async def test_palette_offers_every_home_action(self, store_path: Path) -> None:
        app = make_app(seeded_store(store_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            titles = {cmd.title for cmd in app.get_system_commands(app.screen)}
            for wanted in ("Start session", "Agreements", "Check-ins", "History", "New client",
                           "Load demo data", "Backups", "Delete client"):
                assert wanted in titles

    async def test_second_instance_is_read_only(self, store_path: Path) -> None:
        seeded_store(store_path)
        with Store.open(store_path):
            app = make_app(store_path)
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                assert app.store.readonly
                banner = app.screen.query_one("#readonly-banner", Static)
                assert "Another Roomguard" in str(banner.render())

    async def test_corrupt_store_offers_backup(self, store_path: Path) -> None:
        seeded_store(store_path)
        with Store.open(store_path) as store:
            store.backup("manual")
        practice = store_path / "practice.json"
        practice.write_bytes(b'{"clients": {"1": ')
        app = make_app(store_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            from roomguard.screens.store_problem import StoreProblemScreen

            assert isinstance(app.screen, StoreProblemScreen)
            # Its stylesheet is read although it is the app's first screen.
            assert app.screen.query_one(".dialog").styles.border.top[0] == "thick"
            assert practice.read_bytes() == b'{"clients": {"1": '  # untouched
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert "Priya Raman" in client_names(app)


async def test_home_stylesheet_is_applied_to_the_first_screen(store_path: Path) -> None:
    """Textual skips the CSS_PATH of the screen get_default_screen returns; the app reads it."""
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        clients, sessions = app.screen.query_one("#clients-pane"), app.screen.query_one("#sessions-pane")
        assert clients.styles.border.top[0] == "round"
        assert (clients.region.width, sessions.region.width) == (72, 48)  # 3fr : 2fr
        assert app.screen.query_one("#clients").region.height > 20  # fills its pane


async def test_a_narrow_terminal_stacks_the_lists_from_the_first_frame(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(seeded_store(store_path))
    first_frame: list[bool] = []  # was home already stacked in the first frame it drew?
    display = RoomguardApp._display

    def watch(self: RoomguardApp, screen: object, renderable: object) -> None:
        if isinstance(screen, HomeScreen) and renderable is not None and not first_frame:
            first_frame.append(screen.has_class("-narrow"))
        display(self, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(RoomguardApp, "_display", watch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clients, sessions = app.screen.query_one("#clients-pane"), app.screen.query_one("#sessions-pane")
        assert first_frame == [True]
        assert app.screen.has_class("-narrow")
        assert clients.region.width == sessions.region.width == 80
        assert clients.region.bottom <= sessions.region.y  # one above the other
        shown = screen_text(app)
        for heading in ("Agreement", "Next review", "Length", "Alerts"):  # no column cut off
            assert heading in shown, heading
        await pilot.resize_terminal(130, 36)
        await settle(pilot)
        assert app.screen.has_class("-wide") and not app.screen.has_class("-narrow")
        assert clients.region.y == sessions.region.y  # side by side again


def test_home_snapshot(snap_compare, tmp_path: Path) -> None:
    path = seeded_store(tmp_path / "store")

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(make_app(path), terminal_size=(120, 36), run_before=run_before)
