"""What every subcommand needs: open the store with a clear message when that fails."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from roomguard.cli import exit_codes
from roomguard.core.text import printable
from roomguard.store import Store, StoreError


class CommandError(Exception):
    """A user-facing failure: printed as ``roomguard: error: …``, exit status 2 (or the
    subclass's ``exit_status``)."""

    exit_status = exit_codes.ERROR


@contextmanager
def opened_store(args: argparse.Namespace, *, readonly: bool = True) -> Iterator[Store]:
    """The store at ``args.store_path``; read-only commands work while the TUI has it open.
    An encrypted store is unlocked first (cli/unlock.py: keyring, passphrase file, prompt)."""
    from roomguard.cli.unlock import ensure_unlocked
    from roomguard.store.errors import StoreEncrypted

    path = args.store_path
    if readonly and not (path / "meta.json").exists():
        raise CommandError(f"no Roomguard store at {path} (run `roomguard` once, or pass --db)")
    ensure_unlocked(path, args)
    try:
        try:
            store = Store.open(path, readonly=readonly)
        except StoreEncrypted:  # the open finished an encryption a crash cut short: its key
            ensure_unlocked(path, args)
            store = Store.open(path, readonly=readonly)
    except StoreEncrypted:
        raise
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    for sentence in store.recovered:  # what opening repaired or finished after a crash
        print(f"roomguard: {printable(sentence, None)}", file=sys.stderr)
    try:
        yield store
    finally:
        store.close()


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn CommandError/StoreError/OSError into one clear line on stderr and exit status 2."""

    def run(args: argparse.Namespace) -> int:
        from roomguard.cli.main import error
        from roomguard.cli.unlock import HOW_TO_GIVE
        from roomguard.store.errors import StoreEncrypted, WrongPassphrase

        try:
            return handler(args)
        except CommandError as exc:
            error(str(exc))
            return exc.exit_status
        except StoreEncrypted as exc:
            error(f"{exc} To unlock it, {HOW_TO_GIVE}.")
            return exit_codes.LOCKED
        except WrongPassphrase as exc:
            error(str(exc))
            return exit_codes.WRONG_PASSPHRASE
        except StoreError as exc:
            return error(str(exc))
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            return error(f"{exc.strerror or exc}{':' if where else ''}{where}")

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


__all__ = ["CommandError", "exit_codes", "guarded", "opened_store"]
