"""The command palette: client entries (shown literally) and every screen's actions."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from roomguard.store import Store
from tests.builders import build_agreement, build_client
from tests.screens.helpers import make_app, seeded_store, settle


async def _palette_pick(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    for _ in range(20):  # the palette searches asynchronously
        await pilot.pause(0.05)
    await pilot.press("enter")
    await settle(pilot)


async def test_type_a_client_name_to_open_their_agreement(store_path: Path) -> None:
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _palette_pick(pilot, "Agreement: Priya")
        from roomguard.screens.agreements import AgreementsScreen

        assert isinstance(app.screen, AgreementsScreen)
        assert app.screen.client_id == app.store.find_client("Priya Raman").id


async def test_client_entries_do_not_interpret_markup(store_path: Path) -> None:
    with Store.open(store_path) as store:
        client = build_client("[bold red]Mallory[/]")
        store.save_client(client)
        store.save_agreement(build_agreement(client_id=client.id))
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        from roomguard.screens.commands import ClientCommands

        provider = ClientCommands(app.screen)
        hits = [hit async for hit in provider.search("Mallory")]
        assert hits
        assert all("[bold red]Mallory[/]" in str(hit.text) for hit in hits)
        assert all("[bold red]Mallory[/]" in hit.match_display.plain for hit in hits)
