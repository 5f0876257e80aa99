"""``roomguard backup list`` (issue 18, item 11): its columns line up whatever the lengths of
the backups' names and reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from roomguard.cli.main import main
from roomguard.store import Store, backups
from roomguard.store.demo import load_demo
from tests.screens.helpers import TODAY


def test_backup_list_columns_line_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "store"
    with Store.open(path) as store:
        load_demo(store, TODAY)
        store.backup("manual")
    (taken,) = backups.list_backups(path)
    for name in ("roomguard-20260101-000000-daily.zip",
                 "roomguard-20260102-000000-post-deletion.zip"):
        taken.path.with_name(name).write_bytes(taken.path.read_bytes())
    assert main(["--db", str(path), "backup", "list"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines[0].split() == ["NAME", "CREATED", "REASON", "SIZE", "STATE"]
    assert len(lines) == 4
    for column in ("CREATED", "REASON", "STATE"):
        start = lines[0].index(column)
        assert all(line[start - 2:start] == "  " and line[start] != " " for line in lines), column
    ends = {line.index(" bytes") for line in lines[1:]}
    assert len(ends) == 1  # the sizes end in one column
