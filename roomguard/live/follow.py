"""Following a transcript file while a call or a local transcriber writes it.

In the manner of toolong's watcher: a loop in a background thread polls the file, reads the new
bytes with ``os.read`` from the last offset, and hands what it found to callbacks. It knows
nothing of Textual; the app runs :meth:`TranscriptFollower.run` in a ``@work(thread=True)``
worker and posts messages to itself from the callbacks (which run on the follower's thread).

What it copes with:

* the file not existing yet: it waits, and starts when the file appears;
* a line or a multibyte character split across two writes: bytes are decoded incrementally and
  the parser holds a partial line until its break arrives;
* bytes that are not UTF-8: replaced with U+FFFD, never an error; a BOM at the start is dropped;
* truncation (the file got shorter than what was read): starts again from the top;
* rotation (another file renamed over the path): finishes the old file, then follows the new
  one from the top.

Truncation is seen only if the file is still shorter than the read offset at the next poll; a
writer that truncates and writes more than that in under ``poll_interval`` looks like an append.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from roomguard.core.transcript import (
    TranscriptFormat,
    TranscriptParser,
    Utterance,
    parse_text,
    sniff_format,
)

__all__ = ["TranscriptFollower", "read_whole"]

OnUtterances = Callable[[list[Utterance]], None]
OnStatus = Callable[[str], None]

STATUS_TRUNCATED = "file truncated; starting again from the top"
STATUS_REPLACED = "file replaced; following the new file"

_BOM = "\ufeff"


def _ignore_status(_: str) -> None:
    pass


def _utf8_decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


class TranscriptFollower:
    """Tails one transcript file, reporting complete utterances and what it is doing.

    ``on_utterances`` gets each non-empty batch of utterances in file order; ``on_status`` a
    short sentence whenever the state changes ("waiting for file …", "following …",
    :data:`STATUS_TRUNCATED`, :data:`STATUS_REPLACED`, or why the file cannot be read). Both are
    called on the follower's thread; an exception from either ends :meth:`run`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        on_utterances: OnUtterances,
        on_status: OnStatus = _ignore_status,
        *,
        fmt: TranscriptFormat | None = None,
        poll_interval: float = 0.05,
        read_size: int = 64 * 1024,
    ) -> None:
        self.path = Path(path)
        self.poll_interval = poll_interval
        self.read_size = read_size
        self._on_utterances = on_utterances
        self._on_status = on_status
        self._parser = TranscriptParser(fmt)
        self._decoder = _utf8_decoder()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._fd: int | None = None
        self._identity: tuple[int, int] | None = None
        self._offset = 0
        self._at_start = True  # nothing decoded yet from this file: a BOM may come
        self._replaced = False  # the next open is of a file that replaced the old one
        self._last_status = ""

    # -- control ----------------------------------------------------------------------------

    def start(self) -> threading.Thread:
        """Run in a daemon thread of its own (tests, the headless monitor). The app uses run()."""
        self._thread = threading.Thread(
            target=self.run, name=f"follow {self.path.name}", daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the loop to end; if start() made the thread, wait up to *timeout* for it."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def offset(self) -> int:
        """Bytes of the current file read so far."""
        return self._offset

    def run(self) -> None:
        """Poll until stop(). Blocking: call it on a worker thread."""
        try:
            while not self._stop.is_set():
                self.poll()
                self._stop.wait(self.poll_interval)
        finally:
            self._close()

    def poll(self) -> None:
        """One round: open if need be, notice truncation, read what is new, notice rotation."""
        if self._fd is None and not self._open():
            return
        self._check_truncated()
        self._read_new()
        self._check_replaced()

    # -- the steps ----------------------------------------------------------------------------

    def _status(self, text: str) -> None:
        if text != self._last_status:
            self._last_status = text
            self._on_status(text)

    def _open(self) -> bool:
        try:
            # O_NONBLOCK so a FIFO at the path cannot hang the open; it is refused just below.
            flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            self._status(f"waiting for file {self.path}")
            return False
        except OSError as error:
            self._status(f"cannot open {self.path}: {error.strerror or error}")
            return False
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            self._status(f"cannot follow {self.path}: not a regular file")
            return False
        self._fd = fd
        self._identity = (info.st_dev, info.st_ino)
        self._start_again()
        self._status(STATUS_REPLACED if self._replaced else f"following {self.path}")
        self._replaced = False
        return True

    def _start_again(self) -> None:
        self._offset = 0
        self._at_start = True
        self._decoder = _utf8_decoder()
        self._parser.reset()

    def _check_truncated(self) -> None:
        assert self._fd is not None
        try:
            size = os.fstat(self._fd).st_size
        except OSError:
            return
        if size < self._offset:
            self._finish_file()
            os.lseek(self._fd, 0, os.SEEK_SET)
            self._start_again()
            self._status(STATUS_TRUNCATED)

    def _read_new(self) -> None:
        while self._fd is not None and not self._stop.is_set():
            try:
                chunk = os.read(self._fd, self.read_size)
            except OSError as error:
                self._status(f"cannot read {self.path}: {error.strerror or error}")
                self._close()
                return
            if not chunk:
                return
            self._offset += len(chunk)
            self._deliver(self._decoder.decode(chunk))

    def _check_replaced(self) -> None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self._status(f"file removed; waiting for file {self.path}")
            return
        except OSError:
            return
        identity = (info.st_dev, info.st_ino)
        if identity == self._identity or identity[1] == 0:  # no inode numbers: cannot tell
            return
        self._read_new()  # the last words the writer put in the old file
        self._finish_file()
        self._close()
        self._replaced = True
        self._open()

    def _deliver(self, text: str) -> None:
        if self._at_start and text:
            self._at_start = False
            text = text.removeprefix(_BOM)
        utterances = self._parser.feed(text)
        if utterances:
            self._on_utterances(utterances)

    def _finish_file(self) -> None:
        """The current file is done (replaced or cut short): flush what it still holds."""
        self._deliver(self._decoder.decode(b"", final=True))
        utterances = self._parser.finish()
        if utterances:
            self._on_utterances(utterances)

    def _close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def read_whole(
    path: str | os.PathLike[str], fmt: TranscriptFormat | None = None
) -> list[Utterance]:
    """Every utterance in a finished transcript; ``"-"`` reads standard input.

    Bytes that are not UTF-8 are replaced. Raises OSError when the file cannot be read.
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        name = ""
    else:
        data = Path(path).read_bytes()
        name = str(path)
    text = data.decode("utf-8", errors="replace").removeprefix(_BOM)
    return parse_text(text, fmt or sniff_format(text[:4096], name))
