"""Shared fixtures. Every test gets its own temporary store; the user's real store is never used."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from roomguard.store import Store

# Property tests: "quick" for the default run (make test: the suite stays a few minutes on a
# two-core machine); HYPOTHESIS_PROFILE=ci (60 examples) or long (500) for a fuller search.
# Tests that size their own runs from settings.default.max_examples scale with the profile.
settings.register_profile(
    "quick", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run the long reliability tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="long run: use make reliability")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point every default location at a temp dir so nothing can reach the user's data."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("ROOMGUARD_DB", str(home / "default-store"))
    # The semantic layer loads a model in a thread: off unless a test turns it on
    # (tests/semantic), so screen tests and snapshots stay as they were.
    monkeypatch.setenv("ROOMGUARD_SEMANTIC", "off")
    # Encryption: a cheap key derivation (a suite cannot spend half a second per unlock) and a
    # keyring in a temp file, never the user's; the keychain of unlocked keys is emptied after.
    monkeypatch.setenv("ROOMGUARD_TEST_FAST_KDF", "1")
    monkeypatch.setenv("ROOMGUARD_TEST_KEYRING_FILE", str(home / "test-keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_backend.FileKeyring")
    import keyring

    from roomguard.store.keys import tuned_params
    from tests.keyring_backend import FileKeyring

    tuned_params.cache_clear()
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield
    keyring.set_keyring(previous)
    from roomguard.store.vault import forget_all

    forget_all()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    st = Store.open(store_path)
    yield st
    st.close()
