"""Encrypting the store from the TUI: the onboarding's passphrase step and "Encrypt store…".

One flow for both: the passphrase (:class:`PassphraseForm`), then ``encrypt_store`` in a thread
worker (a verified backup first when there is anything to back up; every file sealed into a
staging copy, verified, switched in: a crash leaves the old store or the new one), the app's store
closed meanwhile and reopened after, the keyring entry if asked for, the recovery key shown once
(:class:`RecoveryKeyModal`), and, when plaintext backups remain, whether to delete them.

A new store is empty, so encrypting it right after it was created costs one key derivation and
writes nothing readable: the same path serves both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.screen import Screen

from roomguard.screens.host import Host
from roomguard.screens.lock.passphrase_form import NewPassphrase, PassphraseForm
from roomguard.screens.lock.recovery_key import RecoveryKeyModal
from roomguard.store import StoreError
from roomguard.store.encrypt import Encrypted, encrypt_store, remove_plaintext_backups


def _nothing() -> None:
    return None


def _keep_in_keyring(root: Path) -> str:
    """Put the unlocked key in the OS keyring and say so in keys.json; "" or why not."""
    from roomguard.store.keys import KeyFile, keyring_set, with_keyring, write_key_file
    from roomguard.store.vault import unlocked

    keyfile = KeyFile.read(root)
    vault = unlocked(keyfile.key_id) if keyfile is not None else None
    if keyfile is None or vault is None:
        return "the store's key is not unlocked"
    try:
        keyring_set(vault)
    except Exception as exc:  # noqa: BLE001 - any keyring backend's failure is only reported
        return str(exc) or type(exc).__name__
    write_key_file(root, with_keyring(keyfile, True))
    return ""


class StoreEncryption:
    """Runs the flow on *screen* (its workers and dialogs) for the app *host*."""

    def __init__(self, screen: Screen[Any], host: Host) -> None:
        self.screen = screen
        self.host = host
        self.then: Callable[[], None] = _nothing

    def ask(self, *, onboarding: bool, then: Callable[[], None] = _nothing) -> None:
        """Ask for a passphrase; *then* runs once the flow is over, whatever was chosen."""
        store = self.host.store
        if store.encrypted:
            self.screen.notify("The store is already encrypted.")
            return
        if store.readonly:
            self.screen.notify("The store is read-only: it cannot be encrypted now.",
                               severity="warning")
            return
        if self.host.lock_keeper.live_sessions():
            self.screen.notify("End the live session first.", severity="warning")
            return
        self.then = then

        def chosen(choice: NewPassphrase | str | None) -> None:
            if isinstance(choice, NewPassphrase):
                self.encrypt(choice)
            else:
                self.then()

        self.screen.app.push_screen(PassphraseForm(onboarding=onboarding), chosen)

    def encrypt(self, choice: NewPassphrase) -> None:
        keeper = self.host.lock_keeper
        keeper.busy = True
        root = self.host.store.root
        self.host.store.close()  # encrypt_store takes the store's lock itself
        self.screen.notify("Encrypting the store…", title="Encryption", timeout=4)
        self.screen.run_worker(lambda: self._convert(root, choice), thread=True,
                               group="encrypt", exit_on_error=False)

    def _convert(self, root: Path, choice: NewPassphrase) -> None:
        """In the worker: the conversion, then the keyring entry if asked for."""
        app = self.screen.app
        try:
            result = encrypt_store(root, choice.passphrase)
        except (StoreError, OSError) as exc:
            app.call_from_thread(self._failed, exc)
            return
        keyring_problem = _keep_in_keyring(root) if choice.keyring else ""
        app.call_from_thread(self._converted, result, keyring_problem)

    def _reopen(self) -> None:
        self.host.lock_keeper.busy = False
        self.host.reopen_store()
        self.host.refresh_home()

    def _failed(self, exc: Exception) -> None:
        self._reopen()
        title = exc.title if isinstance(exc, StoreError) else "Not encrypted"
        self.screen.notify(f"The store was not encrypted: {exc}", title=title,
                           severity="error", markup=False, timeout=15)
        self.then()

    def _converted(self, result: Encrypted, keyring_problem: str) -> None:
        self._reopen()
        if keyring_problem:
            self.screen.notify(f"The key could not be kept in this computer's keyring "
                               f"({keyring_problem}); Roomguard will ask for the passphrase.",
                               title="Keyring", severity="warning", markup=False, timeout=12)
        self.screen.notify("The store is encrypted.", title="Encryption")
        self.screen.app.push_screen(RecoveryKeyModal(result.recovery_key),
                                    lambda _: self._offer_removal(result))

    def _offer_removal(self, result: Encrypted) -> None:
        backups = [p for p in result.plaintext_backups if p.exists()]
        if not backups:
            self.then()
            return
        from roomguard.screens.dialogs.confirm import Confirm

        count = len(backups)
        noun = "backup" if count == 1 else "backups"

        def answer(remove: bool | None) -> None:
            if remove:
                removed = remove_plaintext_backups(backups)
                self.screen.notify(f"Deleted {removed} plaintext {noun}.", title="Backups")
            self.then()

        self.screen.app.push_screen(Confirm(
            f"Delete the {count} old plaintext {noun}?",
            yes="Delete", no="Keep",
            detail=("They were written before the store was encrypted and can be read by anyone "
                    "with the files. An encrypted backup was just made. A deleted file's blocks "
                    "may survive on the disk until reused."),
        ), answer)
