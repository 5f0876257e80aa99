"""How a command unlocks an encrypted store: one way, used by every command that reads one.

The first of these that works, in this order:

1. the key is already unlocked in this process (an earlier step of the same command);
2. the OS keyring, when ``keys.json`` says the coach allowed it (``roomguard passphrase
   --keyring on``);
3. ``--passphrase-file FILE``, given before or after the command's name;
4. the file named by ``$ROOMGUARD_PASSPHRASE_FILE``;
5. a prompt, when standard input is a terminal: three tries, the recovery key accepted too;
6. otherwise an error (exit status 4, :data:`exit_codes.LOCKED`) saying how to give it.

A passphrase is never a command-line argument's value: it would sit in the shell's history and
in the process list, where every user of the machine can read it. ``--passphrase`` exists only
to say so (and so that argparse cannot take it for an abbreviation of ``--passphrase-file`` and
read the passphrase as a file name). A passphrase file must be the coach's alone: a file that
group or others may read or change is refused, as ssh refuses such a private key. Its content
is the passphrase; one trailing newline is not part of it.

A wrong passphrase from a file is an error at once (exit status 5), naming the file, never the
passphrase; nothing is written either way. Nothing here prints or logs a passphrase, and crash
reports never hold local variables (crash.py).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError

if TYPE_CHECKING:
    from roomguard.store.keys import KeyFile
    from roomguard.store.vault import Vault

PASSPHRASE_FILE_ENV = "ROOMGUARD_PASSPHRASE_FILE"
TRIES = 3
MIN_PASSPHRASE = 10  # characters, for a passphrase chosen here (encrypt, passphrase, export)
MAX_FILE_BYTES = 64 * 1024
HOW_TO_GIVE = (
    "give it with --passphrase-file FILE (a file only you can read: chmod 600 FILE), or set "
    f"{PASSPHRASE_FILE_ENV}=FILE, or run the command in a terminal to be asked; "
    "`roomguard passphrase --keyring on` keeps the key in the OS keyring instead"
)


class NotUnlocked(CommandError):
    """The store is encrypted and no passphrase could be had (no file, no terminal)."""

    exit_status = exit_codes.LOCKED


class WrongSecret(CommandError):
    """The passphrase (or recovery key) given does not open the store or the export."""

    exit_status = exit_codes.WRONG_PASSPHRASE


class KeyFileUnusable(CommandError):
    """The store's ``keys.json`` is damaged or unknown: nothing can be unlocked (``verify``
    names it as damage; a restore repairs it)."""


@dataclass(frozen=True)
class Given:
    """A passphrase and where it came from (``where`` is for messages: never the text)."""

    text: str
    where: str


# ------------------------------------------------------------------------- options
class _Refuse(argparse.Action):
    """``--passphrase VALUE``: refused, without repeating the value."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        parser.error(f"{option_string} does not exist: a passphrase is never given on the "
                     "command line (your shell's history and the process list would show it "
                     f"to others). Use {option_string}-file FILE, or {PASSPHRASE_FILE_ENV}, "
                     "or let Roomguard ask")


def add_secret_file_option(parser: argparse.ArgumentParser, option: str, *, help: str,
                           suppress_default: bool = False) -> None:
    """``option`` (``--…-passphrase-file``) and its refused twin without ``-file``."""
    kwargs: dict[str, object] = {"default": argparse.SUPPRESS} if suppress_default else {}
    parser.add_argument(option, metavar="FILE", type=Path, help=help, **kwargs)  # type: ignore[arg-type]
    parser.add_argument(option.removesuffix("-file"), nargs="?", action=_Refuse,
                        help=argparse.SUPPRESS)


def add_options(parser: argparse.ArgumentParser, *, on_subcommand: bool) -> None:
    """``--passphrase-file`` on the main parser and on each subcommand's (where it must not
    override a value given before the command's name, hence no default there)."""
    add_secret_file_option(
        parser, "--passphrase-file", suppress_default=on_subcommand,
        help=f"an encrypted store's passphrase, read from FILE (mode 0600; default: "
             f"${PASSPHRASE_FILE_ENV}; else the OS keyring if allowed, else you are asked)")


def add_options_everywhere(parser: argparse.ArgumentParser) -> None:
    """Add the passphrase options to every subcommand parser below *parser*."""
    for action in parser._actions:  # noqa: SLF001 - argparse has no public walk of subparsers
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in dict.fromkeys(action.choices.values()):
                add_options(sub, on_subcommand=True)
                add_options_everywhere(sub)


# ------------------------------------------------------------------------- reading secrets
def read_secret_file(path: Path, option: str) -> str:
    """The passphrase in *path* (one trailing newline stripped). Refused when group or others
    may read or change the file, when it is empty, or when it is not UTF-8 text."""
    shown = f"the passphrase file {path} ({option})"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise CommandError(f"cannot read {shown}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise CommandError(f"{shown} is a folder")
        if mode & 0o077:
            raise CommandError(
                f"{shown} may be read or changed by other users (mode {stat.S_IMODE(mode):04o}): "
                f"it is not used. Make it yours alone: chmod 600 {path}")
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise CommandError(f"{shown} is too large to hold a passphrase")
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\n"):
        raw = raw[:-1]
    if not raw:
        raise CommandError(f"{shown} is empty")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{shown} is not UTF-8 text") from None


def given_passphrase(args: argparse.Namespace) -> Given | None:
    """The passphrase given for this run: ``--passphrase-file``, else the environment's file."""
    path = getattr(args, "passphrase_file", None)
    if path is not None:
        return Given(read_secret_file(Path(path), "--passphrase-file"),
                     f"the passphrase file {path}")
    env = os.environ.get(PASSPHRASE_FILE_ENV, "")
    if env:
        return Given(read_secret_file(Path(env), PASSPHRASE_FILE_ENV),
                     f"the passphrase file {env} (from {PASSPHRASE_FILE_ENV})")
    return None


def interactive() -> bool:
    """Whether a person can be asked (standard input is a terminal)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def ask_secret(prompt: str) -> str:
    """One masked answer from the terminal ('' when nothing was typed)."""
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def too_short(passphrase: str) -> str | None:
    """Why *passphrase* is not accepted as a new one, or None."""
    length = len(unicodedata.normalize("NFC", passphrase))
    if length >= MIN_PASSPHRASE:
        return None
    return (f"a passphrase needs at least {MIN_PASSPHRASE} characters (that one has {length}). "
            "It is all that stands between a lost laptop and your clients' records, and no one "
            "can reset it: a few unrelated words you will remember are stronger than a short "
            "complicated password")


def new_passphrase(args: argparse.Namespace, *, file_option: str, what: str,
                   use_given: bool = True) -> Given:
    """A new passphrase: from *file_option*'s file (or, with *use_given*, the run's passphrase
    file), else typed twice at a prompt; at least :data:`MIN_PASSPHRASE` characters."""
    attr = file_option.lstrip("-").replace("-", "_")
    path = getattr(args, attr, None)
    given = (Given(read_secret_file(Path(path), file_option), f"the passphrase file {path}")
             if path is not None else given_passphrase(args) if use_given else None)
    if given is not None:
        problem = too_short(given.text)
        if problem:
            raise CommandError(f"{given.where}: {problem}")
        return given
    if not interactive():
        raise NotUnlocked(f"{what} needs a new passphrase: give it with {file_option} FILE (a "
                          "file only you can read: chmod 600 FILE), or run in a terminal to "
                          "type it")
    for _ in range(TRIES):
        first = ask_secret(f"New passphrase for {what} (at least {MIN_PASSPHRASE} characters): ")
        if not first:
            break
        problem = too_short(first)
        if problem:
            say(f"roomguard: {problem}.")
            continue
        if ask_secret("Type it again: ") != first:
            say("roomguard: the two did not match; once more.")
            continue
        return Given(first, "the passphrase you typed")
    raise NotUnlocked(f"no new passphrase was chosen; {what} is unchanged")


# ------------------------------------------------------------------------- unlocking
@dataclass(frozen=True)
class Unlocked:
    """How a key was unlocked: *passphrase* is the passphrase that did it (None for the
    keyring, the recovery key or a key unlocked earlier), for an export sealed with it."""

    vault: Vault
    passphrase: str | None
    how: str


def _try(keyfile: KeyFile, secret: str) -> tuple[Vault, bool] | None:
    """The vault from a passphrase or, failing that, a recovery key; whether it was the
    passphrase. None when neither opens it."""
    from roomguard.store.errors import WrongPassphrase
    from roomguard.store.keys import parse_recovery

    try:
        return keyfile.unlock(secret), True
    except WrongPassphrase:
        pass
    if parse_recovery(secret) is not None:
        try:
            return keyfile.unlock_recovery(secret), False
        except WrongPassphrase:
            pass
    return None


def unlock_key_file(keyfile: KeyFile, where: str, args: argparse.Namespace, *,
                    use_keyring: bool = True, use_unlocked: bool = True,
                    prompt: str | None = None) -> Unlocked:
    """Unlock *keyfile* (of *where*: "the store at …") by the order in the module's docstring
    and remember the key in this process. Raises :class:`WrongSecret` or :class:`NotUnlocked`."""
    from roomguard.store.vault import remember, unlocked

    if use_unlocked:
        vault = unlocked(keyfile.key_id)
        if vault is not None:
            return Unlocked(vault, None, "already unlocked")
    if use_keyring:
        vault = keyfile.unlock_keyring()
        if vault is not None:
            remember(vault)
            return Unlocked(vault, None, "the OS keyring")
    given = given_passphrase(args)
    if given is not None:
        found = _try(keyfile, given.text)
        if found is None:
            raise WrongSecret(f"{given.where} does not hold the passphrase (or the recovery "
                              f"key) of {where}. Nothing was changed.")
        vault, by_passphrase = found
        remember(vault)
        return Unlocked(vault, given.text if by_passphrase else None, given.where)
    if not interactive():
        raise NotUnlocked(f"{where} is encrypted and no passphrase was given: {HOW_TO_GIVE}.")
    say(f"roomguard: {where} is encrypted. Type its passphrase, or its recovery key "
        "(XXXX-XXXX-…) if you have forgotten the passphrase.")
    for attempt in range(1, TRIES + 1):
        secret = ask_secret(prompt or "Passphrase (or recovery key): ")
        if not secret:
            break
        found = _try(keyfile, secret)
        if found is not None:
            vault, by_passphrase = found
            remember(vault)
            return Unlocked(vault, secret if by_passphrase else None, "the prompt")
        left = TRIES - attempt
        if left:
            say(f"roomguard: that does not unlock {where} (nothing was changed); "
                f"{left} {'tries' if left > 1 else 'try'} left.")
        else:
            raise WrongSecret(f"that does not unlock {where} ({TRIES} tries). Nothing was "
                              "changed; run the command again to retry, or use the recovery "
                              "key.")
    raise NotUnlocked(f"no passphrase was typed; {where} stays locked and nothing was changed.")


def ensure_unlocked(root: Path, args: argparse.Namespace) -> Unlocked | None:
    """Make sure the store at *root* can be opened by this process: None for a plaintext store
    (nothing to do), else how its key was unlocked."""
    from roomguard.store.errors import KeyFileProblem
    from roomguard.store.keys import KeyFile

    try:
        keyfile = KeyFile.read(root)
    except KeyFileProblem as exc:
        raise KeyFileUnusable(str(exc)) from exc
    if keyfile is None:
        return None
    return unlock_key_file(keyfile, f"the store at {root}", args)


def backup_key_file(path: Path) -> KeyFile | None:
    """The key file a backup carries (None: a plaintext backup, or one not readable: the
    backup's own check then says why)."""
    from roomguard.store.errors import KeyFileProblem
    from roomguard.store.keys import KEYFILE, KeyFile

    try:
        with zipfile.ZipFile(path) as zf:
            raw = zf.read(KEYFILE)
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError):
        return None
    try:
        return KeyFile.parse(Path(KEYFILE), raw)
    except KeyFileProblem:
        return None


def unlock_backups(paths: list[Path], args: argparse.Namespace) -> None:
    """Unlock the keys the backups need that this process does not hold yet (a backup made
    under another key: the store was encrypted again since). Each distinct key is unlocked
    once; one that cannot be is left locked, and the backup's check then says so."""
    from roomguard.store.vault import unlocked

    tried: set[str] = set()
    for path in paths:
        keyfile = backup_key_file(path)
        if keyfile is None or keyfile.key_id in tried or unlocked(keyfile.key_id) is not None:
            continue
        tried.add(keyfile.key_id)
        try:
            unlock_key_file(keyfile, f"the backup {path.name} (made under another key)", args)
        except (NotUnlocked, WrongSecret) as exc:
            say(f"roomguard: {exc}")


__all__ = [
    "HOW_TO_GIVE",
    "KeyFileUnusable",
    "MIN_PASSPHRASE",
    "PASSPHRASE_FILE_ENV",
    "Given",
    "NotUnlocked",
    "Unlocked",
    "WrongSecret",
    "add_options",
    "add_options_everywhere",
    "ask_secret",
    "ensure_unlocked",
    "given_passphrase",
    "interactive",
    "new_passphrase",
    "read_secret_file",
    "unlock_backups",
    "unlock_key_file",
]
