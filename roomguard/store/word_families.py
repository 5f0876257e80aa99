"""The word families the detector expands phrases with, read from the data file the app ships.

``word_families.txt`` beside this module lists, for each English word, the words derived from
it or it from them, as WordNet 3.0 records them (its *derivationally related forms*:
diagnosis ↔ diagnose, separation ↔ separate, addiction ↔ addict). It is built by
``tools/build_word_families.py`` from Debian's ``wordnet-base`` package and committed, so
nothing is downloaded at run time; WordNet's licence heads the file.

Core never reads it (:mod:`roomguard.core.detection` is pure): whoever builds a detector
passes :func:`word_families` in. It is read once per process (about 25,000 lines).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from types import MappingProxyType

from roomguard.core.normalize import WordFamilies

__all__ = ["DATA_FILE", "WordFamiliesMissing", "parse_word_families", "word_families"]

DATA_FILE = "word_families.txt"


class WordFamiliesMissing(RuntimeError):
    """The shipped data file cannot be read: the installation is broken. Never silent."""


def parse_word_families(text: str) -> WordFamilies:
    """``word<TAB>related related …`` lines (``#`` comments skipped) as a read-only mapping.

    Raises ValueError naming the first line that does not have that shape.
    """
    families: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        word, tab, related = line.partition("\t")
        forms = related.split(" ")
        if not tab or not word or not all(forms):
            raise ValueError(f"line {number} is not 'word<TAB>related words': {line!r}")
        families[word] = tuple(forms)
    return MappingProxyType(families)


@cache
def word_families() -> WordFamilies:
    """The shipped word families (read once). Raises :class:`WordFamiliesMissing`."""
    try:
        text = resources.files(__package__ or "roomguard.store").joinpath(DATA_FILE).read_text(
            encoding="utf-8"
        )
        return parse_word_families(text)
    except (OSError, ValueError) as exc:
        raise WordFamiliesMissing(
            f"the word-family data ({DATA_FILE}) could not be read: {exc}"
        ) from exc
