"""Lengths on home and in History are real time, whatever the clock faces say (issue 17, 9).

On the autumn night a session from 01:40 BST to 01:10 GMT (30 real minutes) showed "-30 min"
on home and an empty timeline in History; on the spring night 00:50 GMT to 02:20 BST showed 90
minutes. These sessions are stored as Roomguard wrote them before times were aware (naive
local times), so they are also the proof that old records still load and add up: a naive time
is read as this machine's wall clock, here London's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from roomguard.app import RoomguardApp
from roomguard.core.events import PresenceChanged
from roomguard.store import Store
from roomguard.widgets.presence_timeline import PRESENT, PresenceTimeline
from roomguard.widgets.record_table import RecordTable
from tests.builders import build_agreement, build_client, build_party
from tests.clocks import local_zone
from tests.screens.helpers import make_app, settle

SIZE = (140, 40)
NIGHTS = {  # naive, as written before: London wall-clock faces
    "spring": (datetime(2026, 3, 29, 0, 50), datetime(2026, 3, 29, 2, 20)),
    "autumn": (datetime(2026, 10, 25, 1, 40), datetime(2026, 10, 25, 1, 10)),
}


def store_the_dst_nights(path: Path) -> None:
    with Store.open(path) as store:
        client = build_client("Ann Lee", id="c-ann")
        store.save_client(client)
        store.save_agreement(build_agreement(
            build_party("Ann Lee", id="ann"), build_party("Sam Ortiz", id="sam"),
            client_id=client.id))
        for start, end in NIGHTS.values():
            record = store.start_session(client.id, start, 1, ["ann"])
            store.append_event(record.id, PresenceChanged(end, "ann", False))
            store.end_session(record, end)


def cells(app: RoomguardApp) -> list[list[str]]:
    table = app.screen.query_one("#sessions", RecordTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def test_the_app_reads_an_aware_local_clock(store_path: Path) -> None:
    now = RoomguardApp(store_path).clock()
    assert now.tzinfo is not None and now.utcoffset() is not None


async def test_home_shows_thirty_minutes_for_each_dst_night(store_path: Path) -> None:
    with local_zone("Europe/London"):
        store_the_dst_nights(store_path)
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            lengths = {row[0]: row[2] for row in cells(app)}
    assert lengths == {"Sun 25 Oct 01:40": "30 min", "Sun 29 Mar 00:50": "30 min"}


async def test_history_lists_thirty_minutes_and_draws_the_autumn_night_full(
    store_path: Path,
) -> None:
    with local_zone("Europe/London"):
        store_the_dst_nights(store_path)
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_history(None)
            await settle(pilot)
            listed = {row[0]: row[2] for row in cells(app)}
            chart = app.screen.query_one(PresenceTimeline).chart  # the newest: autumn
            assert chart is not None
            (ann,) = chart.rows
            assert chart.total(ann) == timedelta(minutes=30)
            assert set(chart.bar(ann, 40)) == {PRESENT}
    assert listed == {"2026-10-25 01:40": "30 min", "2026-03-29 00:50": "30 min"}
