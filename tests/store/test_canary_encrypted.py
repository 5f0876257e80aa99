"""Issue 20's proof: a canary word planted in every field a coach can fill, and in a followed
transcript, is found in no byte under an encrypted store and its backups, after a session, a
backup, a document and an export. A wrong passphrase changes 0 bytes.

Each canary is a made-up word (``zq`` + a field name), so a hit can only be that field leaking.
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roomguard.cli.main import main
from roomguard.core.events import AckAction
from roomguard.core.models import MutedPhrase, PrivateTopic, Role, Todo
from roomguard.core.mutes import mute_phrase
from roomguard.live.follow import TranscriptFollower
from roomguard.live.session import open_live
from roomguard.store import Store
from roomguard.store.encrypt import create_encrypted
from roomguard.store.errors import WrongPassphrase
from roomguard.store.keys import KeyFile
from roomguard.store.vault import forget_all
from tests.builders import build_agreement, build_client, build_party, build_scope, signed

PASS = "canary passphrase 2026"
START = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)

CANARIES = {
    "client name": "Zqclientname Zqsurname",
    "client notes": "zqclientnotes",
    "party name": "Zqpartyname Zqassistant",
    "alias": "Zqalias",
    "contact": "zqcontact@example.org",
    "topic": "Zqtopicname",
    "phrase": "zqphrase",
    "pattern": "zqpattern[0-9]+",
    "example": "zqexamplesentence",
    "excluded form": "zqphrased",
    "scope reason": "zqscopereason",
    "consent reference": "zqconsentref",
    "revocation note": "zqrevocation",
    "todo": "zqtodotext",
    "mute reason": "zqmutereason",
    "note": "zqnotetyped",
    "action item": "zqactionitem",
    "guest": "Zqguestname",
    "ack note": "zqacknote",
    "transcript": "zqtranscriptline",
    "transcript speaker": "Zqspeaker",
    "setting": "Zqcoachname",
}


def planted_store(root: Path) -> tuple[str, str]:
    """An encrypted store whose every fillable field holds a canary; (client id, party id)."""
    create_encrypted(root, PASS)
    client = build_client(CANARIES["client name"], notes=CANARIES["client notes"])
    me = build_party(CANARIES["client name"], Role.CLIENT, aliases=[CANARIES["alias"]])
    coach = build_party(CANARIES["setting"], Role.COACH)
    third = build_party(CANARIES["party name"], Role.ASSISTANT, contact=CANARIES["contact"])
    topic = PrivateTopic(CANARIES["topic"], [CANARIES["phrase"]], [CANARIES["pattern"]],
                         excluded_forms=[CANARIES["excluded form"]],
                         examples=[f"it sounds like {CANARIES['example']}"])
    other = PrivateTopic("Health", ["diagnosis"])
    agreement = build_agreement(
        me, coach, third, client_id=client.id, topics=[topic, other],
        scopes=[build_scope(third.id, [other.id], CANARIES["scope reason"])],
        consents=signed(me, coach, third, on=START.date(),
                        document_ref=CANARIES["consent reference"])
        + signed(third, on=START.date(), revoked_on=START.date(),
                 revocation_note=CANARIES["revocation note"]),
        todos=[Todo(CANARIES["todo"], START)],
    )
    mute_phrase(agreement, MutedPhrase("diagnosis", START, CANARIES["mute reason"]))
    with Store.open(root) as store:
        store.set_setting("coach_name", CANARIES["setting"])
        store.save_client(client)
        store.save_agreement(agreement)
    return client.id, third.id


def run_session(root: Path, client_id: str, third_id: str, transcript: Path) -> None:
    clock = iter(START + timedelta(seconds=s) for s in range(10_000))
    with Store.open(root) as store:
        live = open_live(store, client_id, lambda: next(clock))
        live.begin()
        live.toggle(third_id)
        live.note(f"we spoke about {CANARIES['phrase']} and {CANARIES['note']}")
        live.note(f"share: {CANARIES['action item']} on Tuesday")
        live.add_guest(CANARIES["guest"])
        heard = threading.Event()
        lines: list[object] = []

        def on_utterances(batch: list[object]) -> None:
            lines.extend(batch)
            if len(lines) >= 2:
                heard.set()

        follower = TranscriptFollower(transcript, on_utterances, poll_interval=0.01)
        follower.start()
        assert heard.wait(30), "the follower did not read the transcript"
        follower.stop()
        live.hear_all(lines)  # type: ignore[arg-type]
        for alert in live.banner():
            live.acknowledge(alert.alert_id, AckAction.STEPPED_OUT, CANARIES["ack note"])
        live.end()
        store.backup("manual")


def every_byte(root: Path) -> list[tuple[str, bytes]]:
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out.append((str(path), data))
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as zf:
                    out += [(f"{path}!{n}", zf.read(n)) for n in zf.namelist()]
    return out


def hits(places: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    found = []
    for where, data in places:
        low = data.lower()
        for field, word in CANARIES.items():
            probe = word.split()[0].split("@")[0].split("[")[0].lower().encode()
            if probe in low:
                found.append((field, where))
    return found


def test_no_canary_in_any_byte_of_the_store_its_backups_or_the_export(tmp_path: Path) -> None:
    root = tmp_path / "store"
    client_id, third_id = planted_store(root)
    transcript = tmp_path / "meeting.txt"
    transcript.write_text(f"{CANARIES['transcript speaker']}: {CANARIES['transcript']} about "
                          f"{CANARIES['phrase']}\nNoah: fine\n", encoding="utf-8")
    run_session(root, client_id, third_id, transcript)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n")
    secret.chmod(0o600)
    export = tmp_path / "export.json"
    assert main(["--db", str(root), "--passphrase-file", str(secret), "export",
                 "-o", str(export)]) == 0
    # The session really holds the canaries (so a 0 below means sealed, not absent).
    with Store.open(root) as store:
        (record,) = store.sessions()
        text = repr(store.events(record.id))
        assert CANARIES["note"] in text and CANARIES["transcript"] in text
        assert store.verify().ok
    assert [b for b in (root / "backups").glob("*.zip")], "a backup was taken"
    assert hits(every_byte(root) + [(str(export), export.read_bytes())]) == []


def test_a_wrong_passphrase_changes_no_byte(tmp_path: Path) -> None:
    root = tmp_path / "store"
    planted_store(root)
    forget_all()
    before = {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in root.rglob("*") if p.is_file()}
    keyfile = KeyFile.read(root)
    assert keyfile is not None
    with pytest.raises(WrongPassphrase):
        keyfile.unlock("not the passphrase")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    wrong.chmod(0o600)
    for command in (["verify"], ["checkins"], ["export", "-o", str(tmp_path / "x.json")]):
        assert main(["--db", str(root), "--passphrase-file", str(wrong), *command]) != 0
    after = {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in root.rglob("*") if p.is_file()}
    assert after == before
    assert not (tmp_path / "x.json").exists()
