"""``roomguard check --semantic on|off``: possible topics reported in text and JSON with the
real model; off (the default) reports exactly what it did before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roomguard.cli.main import main
from roomguard.store import Store
from tests.semantic.helpers import maya_and_her_agreement, needs_model

pytestmark = needs_model

TRANSCRIPT = """Maya: Good morning, shall we start?
Sam: I'll take notes today.
Maya: Honestly, my marriage is falling apart.
Maya: Can we move next week's session to Wednesday?
"""


@pytest.fixture
def maya_db(store_path: Path) -> Path:
    client, agreement = maya_and_her_agreement()
    with Store.open(store_path) as store:
        store.save_client(client)
        store.save_agreement(agreement)
    return store_path


def check(db: Path, tmp_path: Path, *args: str) -> int:
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return main(["--db", str(db), "check", str(path), "--client", "Maya Ross",
                 "--present", "Maya Ross", "--present", "Alex Morgan", *args])


def test_check_semantic_on_reports_the_possible_topic_in_json(
        maya_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(maya_db, tmp_path, "--semantic", "on", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["alerts"] == []
    (possible,) = doc["possible_topics"]
    assert possible["topic"] == "Marriage" and possible["speaker"] == "Maya"
    assert possible["line"] == "Honestly, my marriage is falling apart."
    assert possible["uncleared"] == ["sam"] and possible["score"] > 0


def test_check_semantic_on_reports_the_possible_topic_in_text(
        maya_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(maya_db, tmp_path, "--semantic", "on")
    out = capsys.readouterr().out
    assert "possible topic: Marriage" in out
    assert "1 possible topic(s) (semantic layer)" in out


def test_check_semantic_off_is_the_check_as_before(
        maya_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(maya_db, tmp_path, "--format", "json") == 0
    assert "possible_topics" not in json.loads(capsys.readouterr().out)
