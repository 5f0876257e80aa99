"""``roomguard checkins``: table, JSON and iCalendar output, --within, -o, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from roomguard.cli import checkins_cmd
from roomguard.cli.checkins_cmd import render_table
from roomguard.cli.main import main
from roomguard.core.checkins import build_checkins
from roomguard.store import Store
from roomguard.store.demo import demo_practice, load_demo

TODAY = date(2026, 11, 25)


@pytest.fixture
def demo_db(store_path: Path) -> Path:
    with Store.open(store_path) as store:
        load_demo(store, TODAY)
    return store_path


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), "checkins", "--today", TODAY.isoformat(), *args])
    out, err = capsys.readouterr()
    return status, out, err


class TestTable:
    def test_lists_every_review_overdue_first_in_aligned_columns(
        self, demo_db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, err = run(capsys, demo_db)
        assert status == 0 and err == ""
        lines = out.splitlines()
        assert lines[0].split()[:3] == ["STATE", "DUE", "WHEN"]
        assert [line.split("  ")[0].strip() for line in lines[1:]] == [
            "overdue", "due soon", "due soon", "later",
        ]
        assert "Marcus Webb" in lines[1] and "overdue by 23 days" in lines[1]
        assert "Grace Kim's consent expires 2026-12-07" in lines[3]
        client_column = lines[0].index("CLIENT")
        assert all(line[client_column - 2 : client_column] == "  " for line in lines[1:])
        assert "\x1b" not in out  # not a terminal: no colour

    def test_colour_only_when_asked(self) -> None:
        rows = build_checkins(demo_practice(TODAY), TODAY)
        coloured = render_table(rows, TODAY, colour=True)
        assert "\x1b[1;31moverdue" in coloured
        assert "\x1b" not in render_table(rows, TODAY, colour=False)

    def test_no_colour_with_no_color_even_on_a_terminal(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        assert checkins_cmd._use_colour(None)
        monkeypatch.setenv("NO_COLOR", "1")
        assert not checkins_cmd._use_colour(None)

    def test_names_cannot_reach_the_terminal_as_escapes(
        self, store_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        practice = demo_practice(TODAY)
        practice[0][0].name = "Eve\x1b]52;c;aGk=\x07"
        with Store.open(store_path) as store:
            for client, agreement in practice:
                store.save_client(client)
                store.save_agreement(agreement)
        _, out, _ = run(capsys, store_path)
        assert "\x1b" not in out and "\x07" not in out
        assert "Eve\u241b]52;c;aGk=\u2407" in out

    def test_empty_store_says_so(self, store_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        Store.open(store_path).close()
        status, out, _ = run(capsys, store_path)
        assert status == 0
        assert out == "No agreement reviews to show.\n"


class TestJson:
    def test_lists_client_agreement_due_date_and_state(
        self, demo_db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(capsys, demo_db, "--format", "json")
        assert status == 0
        data = json.loads(out)
        assert [(d["client"], d["due_on"], d["state"]) for d in data] == [
            ("Marcus Webb", "2026-11-02", "overdue"),
            ("Sofia Alvarez", "2026-11-30", "due_soon"),
            ("Noah Kim", "2026-12-05", "due_soon"),
            ("Priya Raman", "2027-01-04", "later"),
        ]
        noah = data[2]
        assert set(noah) >= {"client", "client_id", "agreement_id", "due_on", "state", "reasons",
                             "parties"}
        assert noah["reasons"] == ["scheduled review", "Grace Kim's consent expires 2026-12-07"]
        assert noah["parties"] == [{"name": "Grace Kim", "role": "supporter"}]
        with Store.open(demo_db, readonly=True) as store:
            client = store.find_client("Noah Kim")
            agreement = store.agreement(client.id)
        assert agreement is not None
        assert (noah["client_id"], noah["agreement_id"]) == (client.id, agreement.id)

    @pytest.mark.parametrize(
        ("within", "clients"),
        [
            ("0", ["Marcus Webb"]),
            ("5", ["Marcus Webb", "Sofia Alvarez"]),
            ("14", ["Marcus Webb", "Sofia Alvarez", "Noah Kim"]),
            ("40", ["Marcus Webb", "Sofia Alvarez", "Noah Kim", "Priya Raman"]),
        ],
    )
    def test_within_keeps_overdue_and_reviews_due_in_the_window(
        self, demo_db: Path, capsys: pytest.CaptureFixture[str], within: str, clients: list[str]
    ) -> None:
        _, out, _ = run(capsys, demo_db, "--format", "json", "--within", within)
        assert [d["client"] for d in json.loads(out)] == clients

    def test_output_file(self, demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        target = tmp_path / "due.json"
        status, out, err = run(capsys, demo_db, "--format", "json", "-o", str(target))
        assert status == 0 and out == ""
        assert "wrote 4 reviews" in err
        assert len(json.loads(target.read_text())) == 4

    def test_default_today_is_the_local_date(
        self, demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(checkins_cmd, "local_today", lambda now: TODAY + timedelta(days=10))
        assert main(["--db", str(demo_db), "checkins", "--format", "json"]) == 0
        states = [d["state"] for d in json.loads(capsys.readouterr().out)]
        assert states == ["overdue", "overdue", "due_soon", "later"]


class TestIcs:
    def test_events_parse_back_with_stable_uids(
        self, demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, demo_db, "--format", "ics")
        target = tmp_path / "reviews.ics"
        assert run(capsys, demo_db, "--format", "ics", "-o", str(target))[0] == 0
        first = Calendar.from_ical(out)
        second = Calendar.from_ical(target.read_bytes())
        json_rows = json.loads(run(capsys, demo_db, "--format", "json")[1])

        events = first.walk("VEVENT")
        assert [str(e["UID"]) for e in events] == [
            f"{row['agreement_id']}-review@roomguard" for row in json_rows
        ]
        assert [str(e["UID"]) for e in second.walk("VEVENT")] == [str(e["UID"]) for e in events]
        for event, row in zip(events, json_rows, strict=True):
            start = event.decoded("DTSTART")
            assert type(start) is date and start.isoformat() == row["due_on"]
            assert str(event["SUMMARY"]) == f"Review agreement: {row['client']}"
            assert all(reason in str(event["DESCRIPTION"]) for reason in row["reasons"])

    def test_within_applies_to_the_calendar_too(
        self, demo_db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _, out, _ = run(capsys, demo_db, "--format", "ics", "--within", "0")
        (event,) = Calendar.from_ical(out).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Review agreement: Marcus Webb"


class TestErrors:
    @pytest.mark.parametrize(
        "args",
        [["--format", "xml"], ["--within", "-1"], ["--within", "soon"], ["--today", "3/12/2026"]],
    )
    def test_bad_arguments_exit_2(
        self, demo_db: Path, capsys: pytest.CaptureFixture[str], args: list[str]
    ) -> None:
        with pytest.raises(SystemExit) as info:
            main(["--db", str(demo_db), "checkins", *args])
        assert info.value.code == 2
        assert "checkins" in capsys.readouterr().err

    def test_missing_store_exits_2_with_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, err = run(capsys, tmp_path / "nowhere")
        assert status == 2 and out == ""
        assert err.startswith("roomguard: error: no Roomguard store at")
        assert not (tmp_path / "nowhere").exists()  # read-only: nothing created

    def test_output_into_a_directory_exits_2(
        self, demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, _, err = run(capsys, demo_db, "-o", str(tmp_path))
        assert status == 2 and "is a directory" in err


def test_works_while_the_tui_holds_the_store(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo_db) as writer:
        assert not writer.readonly
        status, out, _ = run(capsys, demo_db, "--format", "json")
    assert status == 0 and len(json.loads(out)) == 4


def test_installed_console_script(demo_db: Path) -> None:
    script = Path(sys.executable).parent / "roomguard"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run(
        [str(script), "--db", str(demo_db), "checkins", "--format", "json",
         "--within", "14", "--today", TODAY.isoformat()],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [d["state"] for d in json.loads(result.stdout)] == ["overdue", "due_soon", "due_soon"]
