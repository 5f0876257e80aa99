"""Backups screen: the list, restoring one (after a confirmation), taking one now, read-only refusals."""

from __future__ import annotations

import zipfile
from pathlib import Path

from roomguard.screens.backups import BackupsScreen, human_size
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.home import HomeScreen
from roomguard.store import Store
from roomguard.store.backups import list_backups
from roomguard.widgets.record_table import RecordTable
from tests.screens.helpers import make_app, screen_text, seeded_store, settle


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#backups", RecordTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def home_names(app) -> list[str]:
    home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
    table = home.query_one("#clients", RecordTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_backups(pilot) -> None:
    await settle(pilot)  # the daily backup worker, home's states
    pilot.app.screen.action_backups()
    await settle(pilot)
    assert isinstance(pilot.app.screen, BackupsScreen)


def test_human_size() -> None:
    assert [human_size(n) for n in (0, 999, 1000, 1_234_567, 5 * 10**9)] == [
        "0 bytes", "999 bytes", "1.0 kB", "1.2 MB", "5.0 GB"]


async def test_lists_backups_newest_first_with_time_reason_and_size(store_path: Path) -> None:
    seeded_store(store_path)
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        found = list_backups(store_path)
        assert found, "the app takes a daily backup on start"
        shown = rows(app)
        assert len(shown) == len(found)
        taken, reason, size, state, rotation = shown[0]
        assert state == "good"
        assert reason == found[0].reason == "daily"
        assert taken.endswith(f"{found[0].created:%H:%M:%S}")
        assert size == human_size(found[0].size)
        assert rotation == "kept while newest"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_back_up_now_adds_a_manual_backup(store_path: Path) -> None:
    seeded_store(store_path)
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        before = len(rows(app))
        await pilot.press("b")
        await settle(pilot)
        assert len(rows(app)) == before + 1
        assert any(r[1] == "manual" for r in rows(app))
        assert any(b.reason == "manual" for b in list_backups(store_path))
        assert any(m.startswith("Backup taken") for m in messages(app))


async def test_the_cursor_stays_on_its_backup_across_a_reload(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        first = store.backup("manual")
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        screen = app.screen
        assert isinstance(screen, BackupsScreen)
        table = screen.query_one("#backups", RecordTable)
        table.move_cursor(row=table.get_row_index(str(first)))
        await pilot.pause()
        newer = first.with_name("roomguard-29991231-235959-manual.zip")  # sorts newest
        newer.write_bytes(first.read_bytes())
        screen.reload()
        await pilot.pause()
        assert rows(app)[0][0].endswith("23:59:59")
        info = screen.highlighted()
        assert info is not None and info.path == first
        assert table.cursor_row == table.get_row_index(str(first)) == len(rows(app)) - 1
        listed = {b.path for b in list_backups(store_path)}
        await pilot.press("b")  # a new backup takes the cursor
        await settle(pilot)
        (taken,) = {b.path for b in list_backups(store_path)} - listed
        info = screen.highlighted()
        assert info is not None and info.path == taken


async def test_sizes_are_right_aligned(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        good = store.backup("manual")
    good.with_name("roomguard-29991231-235959-manual.zip").write_bytes(b"tiny")
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        sizes = [r[2] for r in rows(app)]
        assert sizes == ["4 bytes", human_size(good.stat().st_size)]
        assert len(sizes[0]) != len(sizes[1])
        lines = screen_text(app).splitlines()
        ends = {next(line.index(size) + len(size) for line in lines
                     if size in line and "manual" in line)
                for size in sizes}
        assert len(ends) == 1, sizes


async def test_restore_after_confirm_brings_back_deleted_data_and_reloads_home(
    store_path: Path,
) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        store.backup("manual")
        priya = store.find_client("Priya Raman")
        sessions = len(list(store.sessions(client_id=priya.id)))
        assert sessions > 0
        store.delete_client(priya.id)
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        assert "Priya Raman" not in home_names(app)
        assert rows(app)[0][1] == "manual"
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert "The current state is backed up first." in app.screen.question
        assert app.screen.question.startswith("Restore the backup from ")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BackupsScreen)
        assert "Priya Raman" in home_names(app)  # home reloaded from the reopened store
        assert app.store.find_client("Priya Raman").id == priya.id
        assert len(list(app.store.sessions(client_id=priya.id))) == sessions
        assert rows(app)[0][1] == "pre-restore"  # the undo point is listed
        assert any(m.startswith("Restored the backup") for m in messages(app))


async def test_declining_the_confirmation_changes_nothing(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        store.backup("manual")
        store.delete_client(store.find_client("Noah Kim").id)
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BackupsScreen)
        assert "Noah Kim" not in home_names(app)
        assert [b.reason for b in list_backups(store_path)] == ["manual"]


async def test_damaged_backup_is_refused_with_a_clear_message(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        good = store.backup("manual")
    bad = good.with_name("roomguard-29991231-235959-manual.zip")  # sorts newest
    bad.write_bytes(b"not a zip [bold]")
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        assert rows(app)[0][0].endswith("23:59:59")
        assert rows(app)[0][3] == "damaged"  # the State column says so before any restore
        await pilot.press("r", "y")
        await settle(pilot)
        assert isinstance(app.screen, BackupsScreen)
        assert any("was not restored" in m and "damaged" in m for m in messages(app))
        assert "Priya Raman" in home_names(app)
        await pilot.press("escape")  # not stuck busy
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_read_only_store_refuses_restore_and_backup(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        store.backup("manual")
        app = make_app(store_path)  # a second instance: opens read-only
        async with app.run_test(size=(120, 36)) as pilot:
            await open_backups(pilot)
            assert app.store.readonly
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, BackupsScreen)  # no confirmation offered
            await pilot.press("b")
            await settle(pilot)
            refusals = [m for m in messages(app) if m.startswith("The store is read-only")]
            assert len(refusals) == 2
            assert "restoring a backup" in refusals[0] and "taking a backup" in refusals[1]
            assert [b.reason for b in list_backups(store_path)] == ["manual"]


async def test_a_restored_backup_that_will_not_open_leads_to_recovery(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        good = store.backup("manual")
    too_new = good.with_name("roomguard-20000101-000000-manual.zip")  # sorts oldest
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(too_new, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, b'{"schema_version": 999}' if name == "meta.json" else data)
    app = make_app(store_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_backups(pilot)
        table = app.screen.query_one("#backups", RecordTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("r", "y")
        await settle(pilot)
        from roomguard.screens.store_problem import StoreProblemScreen

        assert isinstance(app.screen, StoreProblemScreen)
        assert "newer Roomguard" in app.screen.problem.title
        assert not any(isinstance(s, BackupsScreen) for s in app.screen_stack)
        await pilot.press("r")  # the newest backup is the pre-restore state
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert sum(isinstance(s, HomeScreen) for s in app.screen_stack) == 1
        assert "Priya Raman" in home_names(app)
