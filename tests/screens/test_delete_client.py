"""Retention and disposal: closing clients, the retention period, and deleting a client.

Deleting: typed confirmation, export first, a full purge, and when the last copy goes.
Retention: closed clients past the period are flagged on home; the period is set in a form.
"""

from __future__ import annotations

import stat
import zipfile
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from dateutil.relativedelta import relativedelta
from textual.widgets import Button, Input, Static

from roomguard.core.dates import describe_date
from roomguard.core.models import Client, ClientStatus
from roomguard.core.retention import RETENTION_SETTING, last_copy_gone
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.delete_client import DeleteClientScreen, export_path, safe_name
from roomguard.screens.dialogs.retention_form import RetentionForm
from roomguard.screens.home import HomeScreen
from roomguard.store import Store
from roomguard.store.backups import KEEP_DAYS, list_backups
from roomguard.widgets.record_table import RecordTable
from tests.builders import build_agreement, build_client
from tests.screens.helpers import TODAY, make_app, seeded_store, settle

NAME = "Priya Raman"


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def home_names(app) -> list[str]:
    home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
    table = home.query_one("#clients", RecordTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


async def open_delete(pilot, name: str = NAME) -> Client:
    """From home, highlight *name* and open the delete dialog (the palette's Delete client)."""
    app = pilot.app
    await settle(pilot)
    client = app.store.find_client(name)
    table = app.screen.query_one("#clients", RecordTable)
    table.move_cursor(row=table.get_row_index(client.id))
    app.screen.action_delete_client()
    await settle(pilot)
    assert isinstance(app.screen, DeleteClientScreen)
    return client


async def type_name(pilot, text: str, keys: bool = False) -> None:
    field = pilot.app.screen.query_one("#confirm-name", Input)
    field.focus()
    if keys:
        field.value = ""
        await pilot.press(*text)
    else:
        field.value = text
    await pilot.pause()


def delete_button(app) -> Button:
    return app.screen.query_one("#delete", Button)


def hint(app) -> str:
    return str(app.screen.query_one("#name-hint").render())


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Priya Raman", "priya-raman"), ("Zoë O'Neil", "zoe-o-neil"), ("[bold]\x1b", "bold"),
     ("李小龍", "client"), ("../../etc", "etc")],
)
def test_safe_name(name: str, slug: str) -> None:
    assert safe_name(name) == slug


def test_export_path_never_overwrites(tmp_path: Path) -> None:
    first = export_path(tmp_path, NAME, date(2026, 11, 25))
    assert first == tmp_path / "exports" / "priya-raman-2026-11-25.json"
    first.parent.mkdir()
    first.write_text("{}")
    assert export_path(tmp_path, NAME, date(2026, 11, 25)).name == "priya-raman-2026-11-25-2.json"


async def test_delete_is_disabled_until_the_exact_name_is_typed(store_path: Path) -> None:
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_delete(pilot)
        assert delete_button(app).disabled
        assert "Type the name exactly" in hint(app)
        for wrong in ("priya raman", "Priya Ramanx", "Priya Rama"):
            await type_name(pilot, wrong, keys=wrong == "Priya Rama")
            assert delete_button(app).disabled, wrong
            assert "Does not match" in hint(app)
        await pilot.press("enter")  # submitting a wrong name deletes nothing
        await settle(pilot)
        assert isinstance(app.screen, DeleteClientScreen)
        await pilot.press("n")  # completes the name, typed key by key
        await pilot.pause()
        assert not delete_button(app).disabled
        assert "Delete is enabled" in hint(app)
        what = str(app.screen.query_one("#what").render())
        assert "their confidentiality agreement" in what and "1 session and its audit trail" in what
    with Store.open(store_path, readonly=True) as store:
        assert store.find_client(NAME)


async def test_export_first_writes_a_private_file_that_outlives_the_deletion(store_path: Path) -> None:
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 40)) as pilot:
        client = await open_delete(pilot)
        await pilot.click("#export")
        await settle(pilot)
        assert isinstance(app.screen, DeleteClientScreen)  # exporting deletes nothing
        path = store_path / "exports" / f"priya-raman-{TODAY.isoformat()}.json"
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        data = orjson.loads(path.read_bytes())
        assert [c["client"]["id"] for c in data["clients"]] == [client.id]
        assert data["clients"][0]["client"]["name"] == NAME
        assert data["clients"][0]["sessions"], "the export carries the audit trails"
        assert any(str(path) in m for m in messages(app))
        assert str(app.screen.query_one("#export", Button).label) == "Export again"
        await type_name(pilot, NAME)
        await pilot.click("#delete")
        await settle(pilot)
        (message,) = [m for m in messages(app) if m.startswith(f"Deleted {NAME}")]
        assert f"Your export {path} still holds their records" in message
        with zipfile.ZipFile(list_backups(store_path)[0].path) as zf:  # the post-deletion backup
            export_backed_up = f"exports/{path.name}" in zf.namelist()
        assert ("so does the fresh backup" in message) == export_backed_up
    assert path.exists()  # the export is the coach's to keep or dispose of


async def test_delete_purges_every_record_and_names_when_backups_rotate_out(
    store_path: Path,
) -> None:
    seeded_store(store_path)
    with Store.open(store_path) as store:
        client = store.find_client(NAME)
        records = list(store.sessions(client_id=client.id))
        others = [r for r in store.sessions() if r.client_id != client.id]
    journals = [store_path / "sessions" / r.month / f"{r.id}.jsonl" for r in records]
    client_file = store_path / "clients" / f"{client.id}.json"
    assert records and all(p.exists() for p in journals) and client_file.exists()

    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_delete(pilot)
        before = list_backups(store_path)  # the daily backup taken on start
        assert before
        await type_name(pilot, NAME)
        await pilot.click("#delete")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert NAME not in home_names(app)  # home reloaded
        gone = last_copy_gone([b.created for b in before], KEEP_DAYS)
        assert gone is not None
        (message,) = [m for m in messages(app) if m.startswith(f"Deleted {NAME}")]
        plural = "s" if len(records) != 1 else ""
        assert f"({len(records)} session{plural} and the agreement)" in message
        assert f"rotated out by {describe_date(gone)}" in message

    assert not client_file.exists()
    assert not any(p.exists() for p in journals)
    with Store.open(store_path, readonly=True) as store:
        assert store.client(client.id) is None
        assert list(store.sessions(client_id=client.id)) == []
        assert all(store.session(r.id) is None for r in records)
        assert [r.id for r in store.sessions() if r.client_id != client.id] == [r.id for r in others]
    newest = list_backups(store_path)[0]
    assert newest.reason == "post-deletion"
    with zipfile.ZipFile(newest.path) as zf:
        assert f"clients/{client.id}.json" not in zf.namelist()
        assert client.id.encode() not in zf.read("practice.json")
        assert not any(client.id in n for n in zf.namelist())


async def test_without_backups_the_live_store_was_the_only_copy(store_path: Path) -> None:
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for info in list_backups(store_path):
            info.path.unlink()
        await open_delete(pilot, "Noah Kim")
        await type_name(pilot, "Noah Kim")
        await pilot.press("enter")
        await settle(pilot)
        (message,) = [m for m in messages(app) if m.startswith("Deleted Noah Kim")]
        assert "the live store was the only copy" in message
        assert "rotated out by" not in message


async def test_cancel_asks_first_only_after_typing(store_path: Path) -> None:
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_delete(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await open_delete(pilot)
        await type_name(pilot, "Priya")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # stay
        await settle(pilot)
        assert isinstance(app.screen, DeleteClientScreen)
        assert app.screen.query_one("#confirm-name", Input).value == "Priya"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert NAME in home_names(app)


async def test_read_only_store_cannot_delete(store_path: Path) -> None:
    seeded_store(store_path)
    with Store.open(store_path):
        app = make_app(store_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await open_delete(pilot)
            await type_name(pilot, NAME)
            assert delete_button(app).disabled
            assert "read-only" in hint(app)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DeleteClientScreen)
    with Store.open(store_path, readonly=True) as store:
        assert store.find_client(NAME)


async def test_hostile_name_shows_literally(store_path: Path) -> None:
    hostile = "[bold red]Eve[/] \x1b]52;c;aGk=\x07"
    with Store.open(store_path) as store:
        store.save_client(build_client(hostile))
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#clients", RecordTable)
        table.move_cursor(row=0)
        app.screen.action_delete_client()
        await settle(pilot)
        shown = str(app.screen.query_one("#expected-name").render())
        assert shown.startswith("[bold red]Eve[/] ")
        assert "\x1b" not in shown
        app.screen.query_one("#confirm-name", Input).value = hostile
        await pilot.pause()
        await pilot.click("#delete")
        await settle(pilot)
        assert app.store.clients() == []
        (message,) = [m for m in messages(app) if m.startswith("Deleted ")]
        assert "\x1b" not in message and "[bold red]Eve[/]" in message


# --------------------------------------------------------------------------- retention
def state_of(app, client_id: str) -> str:
    home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
    table = home.query_one("#clients", RecordTable)
    return table.get_row(client_id)[2].plain


def closed_long_ago(store_path: Path) -> tuple[Client, Client]:
    """Two clients closed 8 years ago, one with an agreement and one without."""
    seeded_store(store_path)
    closed_on = TODAY - relativedelta(years=8)
    with_agreement = build_client("Old Client", status=ClientStatus.CLOSED, closed_on=closed_on)
    bare = build_client("Bare Client", status=ClientStatus.CLOSED, closed_on=closed_on + timedelta(1))
    with Store.open(store_path) as store:
        store.save_client(with_agreement)
        store.save_agreement(build_agreement(client_id=with_agreement.id))
        store.save_client(bare)
    return with_agreement, bare


async def test_closed_clients_past_retention_are_flagged_on_home(store_path: Path) -> None:
    old, bare = closed_long_ago(store_path)
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "3 closed hidden" in str(app.screen.query_one("#clients-pane").border_subtitle)
        app.screen.show_closed = True
        await settle(pilot)
        due = (TODAY - relativedelta(years=1)).isoformat()
        assert state_of(app, old.id) == f"closed — dispose since {due}"
        assert state_of(app, bare.id).startswith("closed — dispose since ")
        home = app.screen
        daniel = app.store.find_client("Daniel Osei")  # closed 200 days ago: not due
        assert state_of(app, daniel.id) == "closed"
        cell = home.query_one("#clients", RecordTable).get_row(old.id)[2]
        assert "bold red" in str(cell.style)
        (toast,) = [m for m in messages(app) if "retention period" in m]
        assert toast.startswith("2 closed clients are past the retention period (7 years): ")
        assert "Old Client" in toast and "Bare Client" in toast


async def test_retention_form_validates_inline_and_saves(store_path: Path) -> None:
    old, _ = closed_long_ago(store_path)
    app = make_app(store_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.show_closed = True
        await settle(pilot)
        app.screen.action_retention()
        await settle(pilot)
        assert isinstance(app.screen, RetentionForm)
        field = app.screen.query_one("#years", Input)
        assert field.value == "7"
        for typed, complaint in (("-1", "0 to 50"), ("abc", "not a whole number"),
                                 ("51", "0 to 50")):
            field.value = typed
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, RetentionForm)
            assert complaint in str(app.screen.query_one("#years-error", Static).render())
            assert field.value == typed  # nothing typed is lost
        field.value = "10"
        await pilot.pause()
        assert str(app.screen.query_one("#years-error", Static).render()) == ""
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.store.setting(RETENTION_SETTING) == 10
        assert state_of(app, old.id) == "closed"  # 8 years closed, 10 kept: not due
        app.screen.action_retention()
        await settle(pilot)
        app.screen.query_one("#years", Input).value = "0"
        await pilot.press("escape")  # a change: asks before discarding
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.store.setting(RETENTION_SETTING) == 10


async def test_close_and_reopen_a_client(store_path: Path) -> None:
    app = make_app(seeded_store(store_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.show_closed = True
        await settle(pilot)
        titles = {cmd.title for cmd in app.get_system_commands(app.screen)}
        assert {"Close client", "Retention period"} <= titles
        client = app.store.find_client(NAME)
        table = app.screen.query_one("#clients", RecordTable)
        table.move_cursor(row=table.get_row_index(client.id))
        app.screen.action_close_client()
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == f"Close {NAME}?"
        expected_due = describe_date(TODAY + relativedelta(years=7))
        assert f"due for disposal on {expected_due}" in app.screen.detail
        await pilot.press("y")
        await settle(pilot)
        saved = app.store.client(client.id)
        assert saved.status is ClientStatus.CLOSED and saved.closed_on == TODAY
        assert f"{NAME} (closed)" in home_names(app)
        assert state_of(app, client.id) == "closed"
        table.move_cursor(row=table.get_row_index(client.id))
        app.screen.action_close_client()
        await settle(pilot)
        assert app.screen.question == f"Reopen {NAME}?"
        await pilot.press("y")
        await settle(pilot)
        saved = app.store.client(client.id)
        assert saved.status is ClientStatus.ACTIVE and saved.closed_on is None
        assert NAME in home_names(app)
