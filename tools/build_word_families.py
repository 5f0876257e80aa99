"""Build roomguard/store/word_families.txt from WordNet 3.0's derivational links.

Source: Princeton WordNet 3.0 as Debian ships it (package ``wordnet-base``:
``apt-get install wordnet-base`` puts the database in /usr/share/wordnet). WordNet records,
for each word sense, its *derivationally related forms* (pointer ``+``): diagnosis ↔ diagnose,
separation ↔ separate, addiction ↔ addict. This script keeps those links between single
lowercase English words of three letters or more and writes one line per word::

    diagnosis<TAB>diagnose diagnostic diagnostician

Only direct links are kept (one step, never a chain), so "separation" brings "separate" but
not everything "separate" is linked to. Inflections are not listed: the detector adds them
(:func:`roomguard.core.normalize.inflections`). Run it again only to change the rules; the
output is committed, so nothing is downloaded or needed at run time.

WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. (Licence: the
WordNet 3.0 licence, reproduced at the top of the output file.)
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
OUT = Path(__file__).resolve().parent.parent / "roomguard" / "store" / "word_families.txt"
_WORD = re.compile("[a-z]{3,}")

LICENCE = """\
# Word families: derivationally related forms from WordNet 3.0 (tools/build_word_families.py).
#
# WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.
#
# Permission to use, copy, modify and distribute this software and database and its
# documentation for any purpose and without fee or royalty is hereby granted, provided that
# you agree to comply with the following copyright notice and statements, including the
# disclaimer, and that the same appear on ALL copies of the software, database and
# documentation, including modifications that you make for internal use or for distribution.
#
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED.  BY WAY OF EXAMPLE, BUT NOT LIMITATION,
# PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS
# FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER
# RIGHTS.
#
# The name of Princeton University or Princeton may not be used in advertising or publicity
# pertaining to distribution of the software and/or database.  Title to copyright in this
# software, database and any associated documentation shall at all times remain with
# Princeton University and LICENSEE agrees to preserve same.
#
# Format: word<TAB>related words separated by single spaces. One line per word, sorted.
"""


def _synsets(pos: str) -> dict[tuple[str, str], list[str]]:
    """(pos, offset) -> the synset's words, and the raw lines for the pointer pass."""
    words: dict[tuple[str, str], list[str]] = {}
    for line in (WORDNET / f"data.{pos}").read_text("latin-1").splitlines():
        if line.startswith("  "):
            continue  # licence header
        fields = line.split(" ")
        count = int(fields[3], 16)
        words[(fields[2] if fields[2] != "s" else "a", fields[0])] = [
            fields[4 + 2 * i].lower() if fields[4 + 2 * i].islower() else "" for i in range(count)
        ]
    return words


def main() -> int:
    if not WORDNET.is_dir():
        print(f"{WORDNET} not found: apt-get install wordnet-base", file=sys.stderr)
        return 2
    synsets: dict[tuple[str, str], list[str]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        synsets.update(_synsets(pos))
    related: dict[str, set[str]] = defaultdict(set)
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (WORDNET / f"data.{pos}").read_text("latin-1").splitlines():
            if line.startswith("  "):
                continue
            fields = line.split(" ")
            count = int(fields[3], 16)
            at = 4 + 2 * count
            pointers = int(fields[at])
            mine = synsets[(fields[2] if fields[2] != "s" else "a", fields[0])]
            for i in range(pointers):
                symbol, offset, ptr_pos, source_target = fields[at + 1 + 4 * i : at + 5 + 4 * i]
                if symbol != "+":
                    continue
                source, target = int(source_target[:2], 16), int(source_target[2:], 16)
                theirs = synsets[(ptr_pos if ptr_pos != "s" else "a", offset)]
                a, b = mine[source - 1], theirs[target - 1]
                if a != b and _WORD.fullmatch(a) and _WORD.fullmatch(b):
                    related[a].add(b)
                    related[b].add(a)
    lines = [f"{word}\t{' '.join(sorted(forms))}" for word, forms in sorted(related.items())]
    OUT.write_text(LICENCE + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} words, {sum(len(f) for f in related.values())} links -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
