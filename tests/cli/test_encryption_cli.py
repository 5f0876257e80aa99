"""Encryption at rest from the command line (issue 20): every command that reads the store
unlocks it one way (keyring, --passphrase-file, $ROOMGUARD_PASSPHRASE_FILE, a prompt), never
from an argument's value; a wrong passphrase is named and changes nothing; `encrypt` and
`passphrase` do what they say and no more; a full export is encrypted unless --plaintext."""

from __future__ import annotations

import fcntl
import hashlib
import os
import select
import subprocess
import sys
import termios
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from roomguard.cli import exit_codes, unlock
from roomguard.cli.main import main
from roomguard.core.models import Client
from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.store.keys import KEYFILE, KeyFile
from roomguard.store.vault import forget_all

SCRIPT = Path(sys.executable).with_name("roomguard")
TODAY = date(2026, 11, 25)
PASS = "correct horse battery staple"
CANARY = "Zebracanary Quillfeather"


# ------------------------------------------------------------------------- helpers
def secret_file(tmp_path: Path, text: str, name: str = "pass.txt", mode: int = 0o600) -> Path:
    path = tmp_path / name
    path.write_text(text)
    path.chmod(mode)
    return path


def run(*argv: str | Path) -> int:
    """``roomguard ARGV`` in this process, as a new process would start: no key unlocked."""
    forget_all()
    return main([str(a) for a in argv])


def digest(root: Path) -> dict[str, str]:
    """Every file under *root* (backups included), by content; the lock file aside (it names
    its last holder, and is not the store's)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "roomguard.lock"}


def every_byte(root: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under *root*, and every member of every zip (a backup) unpacked."""
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path.as_posix(), data
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    yield f"{path}!{name}", zf.read(name)


def client_names(root: Path) -> list[str]:
    with Store.open(root, readonly=True) as store:
        return sorted(c.name for c in store.clients())


def plain_store(root: Path) -> Path:
    with Store.open(root) as store:
        load_demo(store, TODAY)
        store.save_client(Client(CANARY, created_on=TODAY, notes="Quillfeather notes"))
        store.backup("manual")
    return root


@pytest.fixture
def pw(tmp_path: Path) -> Path:
    return secret_file(tmp_path, PASS + "\n")


@pytest.fixture
def encrypted(tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A demo practice (and a canary client), encrypted by `roomguard encrypt`, its plaintext
    backups removed; no key unlocked afterwards."""
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt", "--passphrase-file", pw,
               "--remove-plaintext-backups") == 0
    capsys.readouterr()
    forget_all()
    return root


def recovery_key_of(out: str) -> str:
    return next(line.strip() for line in out.splitlines()
                if line.startswith("    ") and line.count("-") == 7)


# ------------------------------------------------------------------------- every command
TRANSCRIPT = "Noah: we planned the next session\nAlex: see you Tuesday\n"

COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "checkins": lambda tmp: ["checkins", "--today", TODAY.isoformat()],
    "check": lambda tmp: ["check", str(tmp / "t.txt"), "--client", "Noah Kim"],
    "export": lambda tmp: ["export", "--plaintext", "-o", str(tmp / "out.json")],
    "import": lambda tmp: ["import", "--merge", str(tmp / "plain-export.json")],
    "verify": lambda tmp: ["verify"],
    "backup list": lambda tmp: ["backup", "list"],
    "backup create": lambda tmp: ["backup", "create"],
    "backup restore": lambda tmp: ["backup", "restore", "latest"],
}


@pytest.fixture
def command_inputs(tmp_path: Path) -> Path:
    (tmp_path / "t.txt").write_text(TRANSCRIPT)
    source = plain_store(tmp_path / "source")
    assert run("--db", source, "export", "--plaintext", "-o", tmp_path / "plain-export.json") == 0
    return tmp_path


@pytest.mark.parametrize("how", ["option before", "option after", "environment"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_opens_an_encrypted_store_with_its_passphrase(
        encrypted: Path, pw: Path, command_inputs: Path, command: str, how: str,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    args = COMMANDS[command](command_inputs)
    if how == "option before":
        argv = ["--db", str(encrypted), "--passphrase-file", str(pw), *args]
    elif how == "option after":
        argv = ["--db", str(encrypted), *args, "--passphrase-file", str(pw)]
    else:
        monkeypatch.setenv(unlock.PASSPHRASE_FILE_ENV, str(pw))
        argv = ["--db", str(encrypted), *args]
    status = run(*argv)
    err = capsys.readouterr().err
    assert status == exit_codes.OK, err
    assert "encrypted" not in err or command == "export"


@pytest.mark.parametrize("command", COMMANDS)
def test_without_a_passphrase_every_command_says_how_to_give_it(
        encrypted: Path, command_inputs: Path, command: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(encrypted)
    status = run("--db", encrypted, *COMMANDS[command](command_inputs))
    err = capsys.readouterr().err
    assert status == exit_codes.LOCKED
    assert "--passphrase-file FILE" in err and unlock.PASSPHRASE_FILE_ENV in err
    assert digest(encrypted) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_passphrase_is_named_and_changes_no_byte(
        encrypted: Path, tmp_path: Path, command_inputs: Path, command: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    wrong = secret_file(tmp_path, PASS + "!\n", "wrong.txt")
    before = digest(encrypted)
    status = run("--db", encrypted, "--passphrase-file", wrong, *COMMANDS[command](command_inputs))
    err = capsys.readouterr().err
    assert status == exit_codes.WRONG_PASSPHRASE
    assert f"the passphrase file {wrong} does not hold the passphrase" in err
    assert "Nothing was changed" in err and PASS not in err
    assert digest(encrypted) == before


def test_the_session_command_unlocks_before_the_app_starts(
        encrypted: Path, pw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app then finds the key unlocked in the process: no second prompt."""
    started: list[bool] = []

    def fake_tui(path: Path, **kwargs: object) -> int:
        with Store.open(path, readonly=True) as store:  # what the app does first
            started.append(store.encrypted)
        return 0

    monkeypatch.setattr("roomguard.cli.main.run_tui", fake_tui)
    assert run("--db", encrypted, "--passphrase-file", pw, "session", "Noah Kim") == 0
    assert started == [True]


def test_a_plaintext_store_needs_no_passphrase(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "checkins", "--today", TODAY.isoformat()) == 0
    assert run("--db", root, "verify") == 0


# ------------------------------------------------------------------------- never an argument
@pytest.mark.parametrize("argv", [
    ["--passphrase", "hunter2-secret", "verify"],
    ["--passphrase=hunter2-secret", "verify"],
    ["verify", "--passphrase", "hunter2-secret"],
    ["export", "--export-passphrase", "hunter2-secret"],
    ["passphrase", "--new-passphrase=hunter2-secret"],
])
def test_a_passphrase_is_never_a_command_line_argument(
        encrypted: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """No such option exists; giving one is refused without repeating the value (and it is
    never taken for an abbreviation of --passphrase-file, which would read it as a file name)."""
    with pytest.raises(SystemExit) as exited:
        run("--db", encrypted, *argv)
    err = capsys.readouterr().err
    assert exited.value.code == exit_codes.ERROR
    assert "never given on the command line" in err
    assert "hunter2" not in err


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o660])
def test_a_passphrase_file_others_may_read_or_change_is_refused(
        encrypted: Path, tmp_path: Path, mode: int, capsys: pytest.CaptureFixture[str]) -> None:
    path = secret_file(tmp_path, PASS, mode=mode)
    assert run("--db", encrypted, "--passphrase-file", path, "verify") == exit_codes.ERROR
    err = capsys.readouterr().err
    assert f"chmod 600 {path}" in err and PASS not in err


def test_one_trailing_newline_is_stripped_and_no_more(encrypted: Path, tmp_path: Path) -> None:
    assert run("--db", encrypted, "--passphrase-file",
               secret_file(tmp_path, PASS, "bare"), "verify") == 0
    assert run("--db", encrypted, "--passphrase-file",
               secret_file(tmp_path, PASS + "\r\n", "crlf"), "verify") == 0
    assert run("--db", encrypted, "--passphrase-file",
               secret_file(tmp_path, PASS + "\n\n", "two"), "verify") == \
        exit_codes.WRONG_PASSPHRASE
    assert run("--db", encrypted, "--passphrase-file",
               secret_file(tmp_path, "", "empty"), "verify") == exit_codes.ERROR


def test_the_recovery_key_in_a_passphrase_file_unlocks_too(
        tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt", "--passphrase-file", pw) == 0
    recovery = recovery_key_of(capsys.readouterr().out)
    path = secret_file(tmp_path, recovery.lower() + "\n", "recovery.txt")
    assert run("--db", root, "--passphrase-file", path, "verify") == 0


def test_a_crash_report_never_holds_the_passphrase(
        encrypted: Path, pw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with the errors' messages chosen (ROOMGUARD_CRASH_DETAIL), a crash in the middle
    of unlocking, with the passphrase in local variables, writes no passphrase."""
    from roomguard.store.locations import crash_directory

    def broken(self: KeyFile, passphrase: str) -> object:
        raise RuntimeError("the KDF failed")

    monkeypatch.setenv("ROOMGUARD_CRASH_DETAIL", "1")
    monkeypatch.setattr(KeyFile, "unlock", broken)
    assert run("--db", encrypted, "--passphrase-file", pw, "verify") == exit_codes.CRASH
    reports = list(crash_directory().glob("crash-*.txt"))
    assert len(reports) == 1
    text = reports[0].read_text()
    assert "the KDF failed" in text and "running: verify" in text
    assert PASS not in text and "correct horse" not in text


# ------------------------------------------------------------------------- the prompt
@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the coach types at the prompts, in order; standard input is a terminal."""
    answers: list[str] = []
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return answers.pop(0) if answers else ""

    monkeypatch.setattr(unlock, "interactive", lambda: True)
    monkeypatch.setattr(unlock, "ask_secret", ask)
    return answers


def test_the_prompt_gives_three_tries_and_accepts_the_recovery_key(
        tmp_path: Path, pw: Path, typed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt", "--passphrase-file", pw,
               "--remove-plaintext-backups") == 0
    recovery = recovery_key_of(capsys.readouterr().out)
    typed[:] = ["nope nope nope", recovery]
    assert run("--db", root, "verify", "--no-backups") == 0
    err = capsys.readouterr().err
    assert "recovery key" in err and "2 tries left" in err
    before = digest(root)
    typed[:] = ["one wrong", "two wrong", "three wrong", PASS]
    assert run("--db", root, "verify") == exit_codes.WRONG_PASSPHRASE
    assert "3 tries" in capsys.readouterr().err
    assert typed == [PASS]  # a fourth was never asked for
    assert digest(root) == before


def test_the_real_prompt_on_a_terminal(encrypted: Path, tmp_path: Path) -> None:
    """The console script in a pseudo-terminal: getpass reads the controlling terminal, the
    passphrase is not echoed, a wrong one is said and the next try unlocks."""
    master, slave = os.openpty()
    env = {**os.environ, "ROOMGUARD_DB": str(encrypted)}
    env.pop(unlock.PASSPHRASE_FILE_ENV, None)
    child = subprocess.Popen(
        [str(SCRIPT), "verify", "--no-backups"], stdin=slave, stdout=slave, stderr=slave,
        env=env, start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(slave)
    seen = b""

    def until(marker: bytes, count: int = 1, timeout: float = 30.0) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while seen.count(marker) < count:
            left = deadline - time.monotonic()
            assert left > 0, seen
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break

    prompt = b"Passphrase (or recovery key): "
    try:
        until(prompt)
        os.write(master, b"not it at all\n")
        until(b"2 tries left")
        until(prompt, count=2)
        os.write(master, PASS.encode() + b"\n")
        until(b"good (")
        assert child.wait(30) == 0
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    assert b"not it at all" not in seen and PASS.encode() not in seen  # never echoed


def test_without_a_terminal_or_a_file_nothing_is_asked(encrypted: Path) -> None:
    env = {**os.environ, "ROOMGUARD_DB": str(encrypted)}
    env.pop(unlock.PASSPHRASE_FILE_ENV, None)
    done = subprocess.run([str(SCRIPT), "verify"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=60,
                          start_new_session=True)  # no controlling terminal either
    assert done.returncode == exit_codes.LOCKED
    assert "--passphrase-file FILE" in done.stderr and "Traceback" not in done.stderr


def test_the_console_script_reads_the_environment_s_file(encrypted: Path, pw: Path) -> None:
    env = {**os.environ, "ROOMGUARD_DB": str(encrypted), unlock.PASSPHRASE_FILE_ENV: str(pw)}
    done = subprocess.run([str(SCRIPT), "verify"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Store " in done.stdout and "good" in done.stdout


# ------------------------------------------------------------------------- roomguard encrypt
def test_encrypt_prints_the_recovery_key_once_and_leaves_no_client_text_on_disk(
        tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    names = client_names(root)
    assert CANARY in names
    assert run("--db", root, "encrypt", "--passphrase-file", pw,
               "--remove-plaintext-backups") == 0
    out = capsys.readouterr().out
    recovery = recovery_key_of(out)
    assert out.count(recovery) == 1
    assert "shown this once" in out and "the data is gone" in out
    assert "Encrypted " in out and " files (" in out and " bytes) in " in out
    assert "Deleted 2 plaintext backup(s)" in out
    canaries = [n.encode() for n in names] + [b"Quillfeather", b"divorce", b"salary"]
    hits = [(where, c) for where, data in every_byte(root) for c in canaries if c in data]
    assert hits == []
    assert run("--db", root, "--passphrase-file", pw, "verify") == 0
    assert client_names_unlocked(root, pw) == names


def client_names_unlocked(root: Path, pw: Path) -> list[str]:
    forget_all()
    keyfile = KeyFile.read(root)
    assert keyfile is not None
    from roomguard.store.vault import remember

    remember(keyfile.unlock(pw.read_text().rstrip("\n")))
    return client_names(root)


def test_encrypt_asks_twice_and_then_about_the_plaintext_backups(
        tmp_path: Path, typed: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    typed[:] = ["too short", PASS, PASS + " typo", PASS, PASS]
    assert run("--db", root, "encrypt") == 0
    captured = capsys.readouterr()
    assert "at least 10 characters" in captured.err
    assert "did not match" in captured.err
    assert "Kept." in captured.out
    backups = sorted((root / "backups").glob("*.zip"))
    assert len(backups) == 3  # manual, pre-encryption (both plaintext, kept), encrypted
    assert client_names_unlocked(root, secret_file(tmp_path, PASS, "again")) != []


def test_encrypt_refuses_a_short_passphrase_and_an_encrypted_store(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fresh = plain_store(tmp_path / "fresh")
    before = digest(fresh)
    assert run("--db", fresh, "encrypt", "--passphrase-file",
               secret_file(tmp_path, "abc123\n", "short")) == exit_codes.ERROR
    assert "at least 10 characters" in capsys.readouterr().err
    assert digest(fresh) == before
    assert run("--db", encrypted, "encrypt", "--passphrase-file", pw) == exit_codes.ERROR
    assert "already encrypted" in capsys.readouterr().err


def test_encrypt_without_a_terminal_or_a_file_asks_for_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt") == exit_codes.LOCKED
    assert "--passphrase-file FILE" in capsys.readouterr().err
    assert not (root / KEYFILE).exists()


def test_encrypt_with_keyring_needs_no_passphrase_afterwards(
        tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt", "--passphrase-file", pw, "--keyring") == 0
    assert "OS keyring" in capsys.readouterr().out
    assert run("--db", root, "verify") == 0  # no file, no terminal: the test keyring


# ------------------------------------------------------------------------- roomguard passphrase
def test_a_new_passphrase_rewraps_only_the_key_file(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = secret_file(tmp_path, "a different long passphrase\n", "new.txt")
    before = digest(encrypted)
    assert run("--db", encrypted, "passphrase", "--passphrase-file", pw,
               "--new-passphrase-file", new) == 0
    after = digest(encrypted)
    assert {name for name in before.keys() | after.keys()
            if before.get(name) != after.get(name)} == {KEYFILE}
    assert "only" in capsys.readouterr().out
    assert run("--db", encrypted, "--passphrase-file", pw, "verify", "--no-backups") == \
        exit_codes.WRONG_PASSPHRASE
    assert run("--db", encrypted, "--passphrase-file", new, "verify") == 0


def test_the_recovery_key_sets_a_new_passphrase(
        tmp_path: Path, pw: Path, typed: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt", "--passphrase-file", pw,
               "--remove-plaintext-backups") == 0
    recovery = recovery_key_of(capsys.readouterr().out)
    typed[:] = [recovery, "forgot the old one", "forgot the old one"]
    assert run("--db", root, "passphrase") == 0
    assert run("--db", root, "--passphrase-file",
               secret_file(tmp_path, "forgot the old one", "n"), "verify") == 0


def test_a_passphrase_change_needs_the_old_passphrase_not_the_keyring(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--db", encrypted, "passphrase", "--keyring", "on", "--passphrase-file", pw) == 0
    assert run("--db", encrypted, "verify") == 0  # the keyring unlocks everyday commands
    new = secret_file(tmp_path, "a different long passphrase", "new.txt")
    before = digest(encrypted)
    assert run("--db", encrypted, "passphrase", "--new-passphrase-file", new) == \
        exit_codes.LOCKED
    assert digest(encrypted) == before


def test_keyring_on_and_off(encrypted: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--db", encrypted, "passphrase", "--keyring", "on", "--passphrase-file", pw) == 0
    keyfile = KeyFile.read(encrypted)
    assert keyfile is not None and keyfile.in_keyring
    assert run("--db", encrypted, "checkins", "--today", TODAY.isoformat()) == 0
    assert run("--db", encrypted, "passphrase", "--keyring", "off") == 0
    keyfile = KeyFile.read(encrypted)
    assert keyfile is not None and not keyfile.in_keyring
    from roomguard.store.keys import keyring_get

    assert keyring_get(keyfile.key_id) is None
    assert run("--db", encrypted, "checkins") == exit_codes.LOCKED


def test_no_keyring_backend_is_said_in_words(encrypted: Path, pw: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    keyring.set_keyring(NoKeyring())
    before = digest(encrypted)
    assert run("--db", encrypted, "passphrase", "--keyring", "on", "--passphrase-file", pw) == \
        exit_codes.ERROR
    err = capsys.readouterr().err
    assert "no OS keyring is available here" in err and "Traceback" not in err
    assert digest(encrypted) == before


def test_passphrase_on_a_plaintext_store_points_to_encrypt(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "passphrase") == exit_codes.ERROR
    assert "roomguard encrypt" in capsys.readouterr().err


# ------------------------------------------------------------------------- exports
def test_an_export_is_encrypted_by_default_and_imports_with_its_passphrase(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export.json"
    assert run("--db", encrypted, "--passphrase-file", pw, "export", "-o", out) == 0
    assert "encrypted under the store's passphrase" in capsys.readouterr().err
    data = out.read_bytes()
    assert b'"roomguard-encrypted-export"' in data and b'"argon2id"' in data
    assert b"memory_kib" in data and b"time_cost" in data  # the KDF's cost is recorded
    assert CANARY.encode() not in data and b"Noah" not in data
    assert out.stat().st_mode & 0o777 == 0o600
    target = tmp_path / "target"
    assert run("--db", target, "import", out, "--export-passphrase-file", pw) == 0
    assert CANARY in client_names(target)


def test_a_wrong_export_passphrase_imports_nothing(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export.json"
    assert run("--db", encrypted, "--passphrase-file", pw, "export", "-o", out) == 0
    wrong = secret_file(tmp_path, "not the export's passphrase", "wrong")
    target = plain_store(tmp_path / "target")
    before = digest(target)
    assert run("--db", target, "import", "--merge", out, "--export-passphrase-file", wrong) == \
        exit_codes.WRONG_PASSPHRASE
    err = capsys.readouterr().err
    assert f"the passphrase in {wrong} does not open the encrypted export" in err
    assert "Nothing was imported" in err
    assert digest(target) == before
    assert run("--db", tmp_path / "empty", "import", out) == exit_codes.LOCKED
    assert not (tmp_path / "empty").exists()


def test_importing_into_the_same_encrypted_store_tries_its_passphrase(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export.json"
    assert run("--db", encrypted, "--passphrase-file", pw, "export", "-o", out) == 0
    assert run("--db", encrypted, "--passphrase-file", pw, "import", "--merge", out) == 0
    assert "imported 0 client(s)" in capsys.readouterr().out


def test_a_changed_byte_in_an_encrypted_export_is_refused(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    out = tmp_path / "export.json"
    assert run("--db", encrypted, "--passphrase-file", pw, "export", "-o", out) == 0
    doc = json.loads(out.read_text())
    doc["kdf"]["time_cost"] += 1  # a recorded parameter changed: the header is authenticated
    out.write_text(json.dumps(doc))
    assert run("--db", tmp_path / "t", "import", out, "--export-passphrase-file", pw) == \
        exit_codes.WRONG_PASSPHRASE


def test_a_plaintext_export_only_with_plaintext(
        tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    out = tmp_path / "export.json"
    assert run("--db", root, "export", "-o", out) == exit_codes.LOCKED  # nothing to seal it with
    assert "--plaintext" in capsys.readouterr().err and not out.exists()
    assert run("--db", root, "export", "-o", out, "--export-passphrase-file", pw) == 0
    assert CANARY.encode() not in out.read_bytes()
    assert run("--db", root, "export", "-o", out, "--plaintext") == 0
    assert CANARY.encode() in out.read_bytes()
    assert "PLAINTEXT" in capsys.readouterr().err


def test_an_export_passphrase_typed_twice(tmp_path: Path, typed: list[str],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    out = tmp_path / "export.json"
    typed[:] = ["export passphrase long", "export passphrase long"]
    assert run("--db", root, "export", "-o", out) == 0
    typed[:] = ["wrong", "export passphrase long"]
    assert run("--db", tmp_path / "target", "import", out) == 0
    assert CANARY in client_names(tmp_path / "target")


# ------------------------------------------------------------------------- verify and backups
def _reseal_line(line: bytes) -> bytes:
    """What an attacker who knows the format does: change a byte and fix the checksum."""
    body = bytearray(line[9:-1])
    body[30] = ord("A") if body[30] != ord("A") else ord("B")
    return b"%08x " % zlib.crc32(bytes(body)) + bytes(body) + b"\n"


def test_verify_names_a_tampered_encrypted_journal_line_as_damage(
        encrypted: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = max(encrypted.glob("sessions/**/*.jsonl"), key=lambda p: p.stat().st_size)
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = _reseal_line(lines[1])
    journal.write_bytes(b"".join(lines))
    assert run("--db", encrypted, "--passphrase-file", pw, "verify") == 1
    out = capsys.readouterr().out
    assert "DAMAGED" in out and journal.name in out


def test_verify_and_backup_list_check_encrypted_backups(
        encrypted: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--db", encrypted, "--passphrase-file", pw, "backup", "create") == 0
    capsys.readouterr()
    assert run("--db", encrypted, "--passphrase-file", pw, "verify", "--format", "json") == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert [b["state"] for b in result["backups"]] == ["good", "good"]
    backup = next((encrypted / "backups").glob("*.zip"))
    with zipfile.ZipFile(backup) as zf:
        assert KEYFILE in zf.namelist()
    assert run("--db", encrypted, "--passphrase-file", pw, "backup", "list") == 0
    assert capsys.readouterr().out.count(" good") == 2


def test_a_restore_keeps_the_current_passphrase(
        encrypted: Path, tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A backup carries the key file of its day; restoring records must not bring back a
    passphrase changed since."""
    new = secret_file(tmp_path, "a different long passphrase", "new.txt")
    assert run("--db", encrypted, "passphrase", "--passphrase-file", pw,
               "--new-passphrase-file", new) == 0
    assert run("--db", encrypted, "--passphrase-file", new, "backup", "restore", "latest") == 0
    assert run("--db", encrypted, "--passphrase-file", new, "verify", "--no-backups") == 0
    assert run("--db", encrypted, "--passphrase-file", pw, "verify", "--no-backups") == \
        exit_codes.WRONG_PASSPHRASE


def test_restoring_a_plaintext_backup_over_an_encrypted_store_needs_asking(
        tmp_path: Path, pw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = plain_store(tmp_path / "store")
    assert run("--db", root, "encrypt", "--passphrase-file", pw) == 0
    plain = next((root / "backups").glob("*-manual.zip"))
    before = digest(root)
    assert run("--db", root, "--passphrase-file", pw, "backup", "restore", plain.stem) == \
        exit_codes.ERROR
    assert "plaintext again" in capsys.readouterr().err
    assert digest(root) == before
    assert run("--db", root, "--passphrase-file", pw, "backup", "restore", plain.stem,
               "--allow-plaintext") == 0
    assert not (root / KEYFILE).exists()
