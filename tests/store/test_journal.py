"""The session journal: append-only, checksummed, and a torn tail never hides or follows good lines."""

from __future__ import annotations

import errno
import os
import stat
import zlib

import pytest

from roomguard.store import StoreReadOnly, WriteFailed
from roomguard.store.journal import EventJournal, encode_line, scan
from tests.store.faults import fault, half_then_refuse, refuse

GOOD = [{"kind": "note", "n": i, "text": f"line {i} [bold]x[/] \x1b[2J"} for i in range(3)]


def good_bytes() -> bytes:
    return b"".join(encode_line(r) for r in GOOD)


def _crc_ok_but_not_json() -> bytes:
    body = b"{not json"
    return b"%08x " % zlib.crc32(body) + body + b"\n"


TORN_TAILS = {
    "partial-line": encode_line({"kind": "note", "n": 99})[:-7],
    "complete-but-no-newline": encode_line({"kind": "note", "n": 99})[:-1],
    "bad-crc": b"00000000 " + encode_line({"kind": "note", "n": 99})[9:],
    "crc-not-hex": b"zzzzzzzz " + encode_line({"kind": "note", "n": 99})[9:],
    "no-separator": encode_line({"kind": "note", "n": 99}).replace(b" ", b"_", 1),
    "too-short": b"abc\n",
    "zeros": b"\x00" * 4096,
    "garbage": bytes(range(256)) * 4,
    "crc-fine-json-not": _crc_ok_but_not_json(),
    "half-then-newline": encode_line({"kind": "note", "n": 99})[:20] + b"\n",
}


@pytest.fixture
def journal_path(tmp_path):
    return tmp_path / "202603-abc.jsonl"


def test_appended_records_read_back_in_order(journal_path):
    journal = EventJournal(journal_path)
    for record in GOOD:
        journal.append(record)
    journal.close()
    assert EventJournal(journal_path).read() == GOOD
    assert journal_path.read_bytes() == good_bytes()


def test_a_line_is_crc_space_json_newline(journal_path):
    journal = EventJournal(journal_path)
    journal.append({"a": 1})
    journal.close()
    line = journal_path.read_bytes()
    assert line.endswith(b"\n") and line[8:9] == b" "
    assert int(line[:8], 16) == zlib.crc32(line[9:-1])


def test_new_journal_is_private(journal_path):
    old = os.umask(0)
    try:
        EventJournal(journal_path).append({"a": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE(journal_path.stat().st_mode) == 0o600


def test_missing_journal_reads_empty(journal_path):
    assert EventJournal(journal_path).read() == []


@pytest.mark.parametrize("tail", TORN_TAILS.values(), ids=TORN_TAILS.keys())
def test_torn_tail_is_ignored_on_read_and_left_alone(journal_path, tail):
    journal_path.write_bytes(good_bytes() + tail)
    assert EventJournal(journal_path).read() == GOOD
    assert scan(good_bytes() + tail) == (GOOD, len(good_bytes()))
    assert journal_path.read_bytes() == good_bytes() + tail  # reading never repairs


@pytest.mark.parametrize("tail", TORN_TAILS.values(), ids=TORN_TAILS.keys())
def test_torn_tail_is_cut_off_by_the_next_append(journal_path, tail):
    journal_path.write_bytes(good_bytes() + tail)
    journal = EventJournal(journal_path)
    journal.append({"kind": "note", "n": 3})
    journal.close()
    assert journal.torn_bytes == len(tail)
    assert journal_path.read_bytes() == good_bytes() + encode_line({"kind": "note", "n": 3})
    assert EventJournal(journal_path).read() == [*GOOD, {"kind": "note", "n": 3}]


def test_a_journal_that_is_all_garbage_restarts_empty(journal_path):
    journal_path.write_bytes(b"\xff\xfe garbage with no newline")
    journal = EventJournal(journal_path)
    journal.append({"n": 0})
    journal.close()
    assert EventJournal(journal_path).read() == [{"n": 0}]


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"write": refuse}, id="disk-full"),
        pytest.param({"write": half_then_refuse()}, id="short-write"),
        pytest.param({"fsync": True}, id="fsync-fails"),
    ],
)
def test_failed_append_raises_write_failed_leaves_no_trace_and_retry_succeeds(journal_path, how):
    journal = EventJournal(journal_path)
    for record in GOOD:
        journal.append(record)
    before = journal_path.read_bytes()

    with fault(journal_path.parent, **how) as failed, pytest.raises(WriteFailed) as caught:
        journal.append({"kind": "note", "n": "lost"})
    assert failed
    assert caught.value.path == journal_path
    assert str(journal_path) in str(caught.value)
    assert journal_path.read_bytes() == before  # no partial line behind
    assert journal.read() == GOOD

    journal.append({"kind": "note", "n": "retried"})  # the fault has cleared
    journal.close()
    assert EventJournal(journal_path).read() == [*GOOD, {"kind": "note", "n": "retried"}]


def test_disk_full_is_reported_as_such(journal_path):
    journal = EventJournal(journal_path)
    journal.append({"n": 0})
    with fault(journal_path.parent, write=refuse), pytest.raises(WriteFailed) as caught:
        journal.append({"n": 1})
    assert caught.value.error.errno == errno.ENOSPC
    assert "No space left on device" in str(caught.value)


def test_short_write_whose_cleanup_also_fails_is_cut_off_before_the_retry(
    journal_path, monkeypatch
):
    """If the partial line cannot be truncated at once, the retry must not follow it."""
    journal = EventJournal(journal_path)
    journal.append(GOOD[0])
    real_ftruncate = os.ftruncate

    def broken_ftruncate(fd, length):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "ftruncate", broken_ftruncate)
    with fault(journal_path.parent, write=half_then_refuse()), pytest.raises(WriteFailed):
        journal.append(GOOD[1])
    monkeypatch.setattr(os, "ftruncate", real_ftruncate)

    journal.append(GOOD[2])  # the retry, after the fault cleared
    journal.close()
    assert EventJournal(journal_path).read() == [GOOD[0], GOOD[2]]


def test_read_only_journal_refuses_to_append(journal_path):
    journal_path.write_bytes(good_bytes() + b"torn")
    journal = EventJournal(journal_path, readonly=True)
    with pytest.raises(StoreReadOnly):
        journal.append({"n": 1})
    assert journal.read() == GOOD
    assert journal_path.read_bytes() == good_bytes() + b"torn"  # not repaired either
