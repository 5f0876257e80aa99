"""atomic_write: the file is either the old version or the new one, and no temp file is left."""

from __future__ import annotations

import os
import stat

import pytest

from roomguard.store.atomic import atomic_write, ensure_dir, read_bytes
from tests.store.faults import fault, half_then_refuse, refuse, temp_files


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_writes_the_new_content_private_and_leaves_no_temp(tmp_path):
    target = tmp_path / "doc.json"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert mode(target) == 0o600
    assert temp_files(tmp_path) == []


def test_new_file_is_private_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        atomic_write(tmp_path / "doc.json", b"x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "doc.json") == 0o600


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"fsync": True}, id="fsync-fails"),
        pytest.param({"replace": True}, id="rename-fails"),
        pytest.param({"write": refuse}, id="disk-full"),
        pytest.param({"write": half_then_refuse()}, id="short-write-then-disk-full"),
    ],
)
def test_a_failed_write_keeps_the_old_content_and_leaves_no_temp(tmp_path, how):
    target = tmp_path / "doc.json"
    atomic_write(target, b"old content")
    with fault(tmp_path, **how) as failed, pytest.raises(OSError):
        atomic_write(target, b"new content " * 1000)
    assert failed, "the fault was never hit"
    assert target.read_bytes() == b"old content"
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize("how", [{"fsync": True}, {"replace": True}, {"write": refuse}])
def test_a_failed_first_write_leaves_no_file_at_all(tmp_path, how):
    target = tmp_path / "doc.json"
    with fault(tmp_path, **how), pytest.raises(OSError):
        atomic_write(target, b"new")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_short_writes_are_completed(tmp_path, monkeypatch):
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, memoryview(data)[:3]))
    atomic_write(tmp_path / "doc.json", b"0123456789" * 10)
    monkeypatch.undo()
    assert (tmp_path / "doc.json").read_bytes() == b"0123456789" * 10


def test_ensure_dir_creates_private_dirs_and_tightens_open_ones(tmp_path):
    fresh = tmp_path / "a" / "b"
    ensure_dir(fresh)
    assert mode(fresh) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    ensure_dir(loose)
    assert mode(loose) == 0o700


def test_read_bytes_of_a_missing_file_is_none(tmp_path):
    assert read_bytes(tmp_path / "nope") is None
