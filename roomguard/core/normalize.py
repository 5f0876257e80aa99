"""How the topic detector sees text: case folded, accents stripped, words separated by one space.

Every character is folded on its own (:func:`fold_char`), so the folded form of a string is the
concatenation of its characters' folds. That is what lets the detector fold a whole transcript
with C-level string operations (one ``str.translate`` for ASCII text) and still point a hit back
at the original characters later, only for the lines that hit.

A character folds to one of:

* a run of lowercase letters/digits (``"É"`` → ``"e"``, ``"ß"`` → ``"ss"``, ``"ﬁ"`` → ``"fi"``);
* a word of its own between spaces, for scripts written without spaces (``"婚"`` → ``" 婚 "``);
* ``""``: glue that belongs to the word around it (combining marks, soft hyphens, bidi marks);
* ``" "``: a separator (spaces, punctuation, hyphens, symbols, controls, emoji);
* ``"\\n"``: a line break. A phrase never spans two lines.

Words are maximal runs of characters that fold to letters/digits (glue inside a run is part of
the word). :func:`search_form` is what the detector's automaton runs over; it keeps every word
between spaces or line breaks so a padded key can only match whole words.
"""

from __future__ import annotations

import codecs
import itertools
import math
import re
import unicodedata
from collections.abc import Collection, Mapping

__all__ = [
    "fold",
    "fold_char",
    "inflections",
    "NO_FAMILIES",
    "WordFamilies",
    "derived_forms",
    "normalise_phrase",
    "phrase_variants",
    "search_form",
    "word_spans",
]

_ZERO_WIDTH_SPACE = "\u200b"
# Scripts written without spaces between words (Han, kana, Thai, Lao, Myanmar, Khmer): a phrase
# in them matches as a sequence of characters, since there are no word boundaries to respect.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
)


def fold_char(ch: str) -> str:
    """What one character contributes to the searchable form (see the module docstring)."""
    if ch == "\n":
        return "\n"
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold())
    # Marks are never alphanumeric, so this also strips accents.
    kept = "".join(c for c in decomposed if c.isalnum())
    if kept and _UNSPACED.search(kept):
        # Scripts written without spaces: every character is a word of its own.
        return f" {' '.join(kept)} "
    if kept:
        return kept
    if ch == _ZERO_WIDTH_SPACE:
        return " "
    category = unicodedata.category(ch)
    if category[0] == "M" or category == "Cf":
        return ""
    return " "


class _FoldTable(dict[int, str]):
    """``str.translate`` table over all of Unicode, filled lazily: each code point folded once."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


class _UnalignedTable(dict[int, str]):
    """Translates a character to ``""`` when it folds to exactly one character, else to itself."""

    def __missing__(self, code: int) -> str:
        marker = "" if len(_FOLD[code]) == 1 else chr(code)
        self[code] = marker
        return marker


_FOLD = _FoldTable()
_UNALIGNED = _UnalignedTable()
# ASCII folds 1:1, so ASCII text goes through the str.translate fast path (a C loop over a
# 128-entry cache) and the byte-level translate for mixed text.
_ASCII_TABLE = "".join(_FOLD[i] for i in range(128))
_BYTE_TABLE = _ASCII_TABLE.encode("ascii") + bytes(range(128, 256))
assert len(_ASCII_TABLE) == 128
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")
_ASCII_WORD = re.compile("[A-Za-z0-9]+")


class _RunFolder:
    """``re.sub`` callback folding a run of non-ASCII characters; notes if any was not 1:1."""

    __slots__ = ("aligned",)

    def __init__(self) -> None:
        self.aligned = True

    def __call__(self, match: re.Match[str]) -> str:
        run = match.group()
        if self.aligned and run.translate(_UNALIGNED):
            self.aligned = False
        return run.translate(_FOLD)


class _NotPlain(Exception):
    """A run of non-ASCII characters that does not fold to the same number of ASCII characters."""


def _fold_plain_run(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: fold a run the ASCII encoder cannot encode, if it folds plainly.

    Curly quotes, dashes, accented Latin letters and emoji fold one-to-one to ASCII; anything
    else (combining marks, "ß", other scripts) aborts the encode with :class:`_NotPlain`.
    """
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    run = exc.object[exc.start : exc.end]
    folded = run.translate(_FOLD)
    if run.translate(_UNALIGNED) or not folded.isascii():
        raise _NotPlain
    return folded, exc.end


_PLAIN_FOLD = "roomguard-detection-fold"
codecs.register_error(_PLAIN_FOLD, _fold_plain_run)


def fold(text: str) -> tuple[str, bool]:
    """Every character replaced by its :func:`fold_char`, using C loops only.

    The flag says whether every character folded to exactly one character, so that index *i*
    of the result still belongs to ``text[i]`` (always true for ASCII).
    """
    if text.isascii():
        return text.translate(_ASCII_TABLE), True
    try:
        # Mostly-ASCII text: the encoder copies ASCII in C and calls the handler only for each
        # run of other characters; the byte-level translate then folds the ASCII ones.
        raw = text.encode("ascii", _PLAIN_FOLD)
    except _NotPlain:
        pass
    else:
        return raw.translate(_BYTE_TABLE).decode("ascii"), True
    # Fold the ASCII characters at byte level (bytes >= 0x80 pass through, so UTF-8 stays
    # valid), then fold each run of the non-ASCII characters.
    raw = text.encode("utf-8", "surrogatepass").translate(_BYTE_TABLE)
    folder = _RunFolder()
    folded = _NON_ASCII_RUN.sub(folder, raw.decode("utf-8", "surrogatepass"))
    return folded, folder.aligned


def _collapse_spaces(text: str) -> str:
    # Halves every run of spaces per pass: a few C passes for real text, no Python per char.
    while True:
        before = len(text)
        text = text.replace("  ", " ")
        if len(text) == before:
            return text


def search_form(text: str, max_gap: int | None = None) -> tuple[str, bool]:
    """What the detector's automaton runs over, and whether it is *aligned* with *text*.

    Aligned (the common case: every character folds to one, e.g. any ASCII text, and no run of
    separators is longer than *max_gap*; ``None`` means no limit): the form is
    ``" " + folded + " "``, so form index *i* + 1 is ``text[i]``.

    Otherwise every line becomes `` w1 w2 … wn `` (one space before and after every word, a
    lone ``" "`` when it has no words), lines joined by ``"\\n"``; the form has exactly as many
    ``"\\n"`` as *text*, and hits are mapped back by counting lines and words.

    Either way every word has a space or a line break on both sides, so a key such as
    `` divorce `` can only match a whole word.
    """
    folded, aligned = fold(text)
    if aligned and (max_gap is None or " " * (max_gap + 1) not in folded):
        return f" {folded} ", True
    return _collapse_spaces(" " + folded.replace("\n", " \n ") + " "), False


def normalise_phrase(phrase: str) -> str:
    """The folded words of *phrase* joined by single spaces: what duplicates are compared on.

    ``"Divorce"``, ``" divorce "`` and ``"DIVORCE"`` are duplicates; so are ``"lay-off"`` and
    ``"Lay off"``. Empty when the phrase has no letters or digits.
    """
    return " ".join(fold(phrase)[0].split())


def word_spans(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each word of one line (no ``"\\n"``), in the order of the search form.

    A span starts at the first letter/digit and runs to the end of the word's last character,
    so an accent written as a combining mark after the last letter is inside the span.
    """
    if line.isascii():
        return [m.span() for m in _ASCII_WORD.finditer(line)]
    spans: list[tuple[int, int]] = []
    start = end = -1
    for index, ch in enumerate(line):
        folded = _FOLD[ord(ch)]
        if folded == "":
            if start >= 0:
                end = index + 1
        elif folded[0] == " " or folded == "\n":
            if start >= 0:
                spans.append((start, end))
                start = -1
            # A character of an unspaced script folds to " x " (or " x y " for "㍿"): each
            # word it holds spans the whole character.
            spans.extend((index, index + 1) for _ in folded.split())
        else:
            if start < 0:
                start = index
            end = index + 1
    if start >= 0:
        spans.append((start, end))
    return spans


_VOWELS = frozenset("aeiou")
_NO_DOUBLING = frozenset("aeiouwxy")


def _syllables(word: str) -> int:
    return len(re.findall("[aeiouy]+", word))


def inflections(word: str) -> set[str]:
    """*word* and its common English inflections: plural, past tense and present participle.

    Only lowercase ASCII words of three letters or more are inflected; anything else (digits,
    other scripts, "ex", "it") is returned alone, to keep false alarms down. Over-generation is
    harmless (no one says "visitted") but a wrong real word is not, so one-syllable words ending
    consonant-vowel-consonant only get the doubled forms ("plan" → "planned", never "planed";
    "car" never matches "caring").
    """
    forms = {word}
    if len(word) < 3 or not (word.isascii() and word.isalpha()):
        return forms
    last, before = word[-1], word[-2]
    # Plurals (and third person singular).
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif last == "y" and before not in _VOWELS:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if last == "o":
        forms.add(word + "es")
    if word.endswith("fe"):
        forms.add(word[:-2] + "ves")
    elif last == "f" and before != "f":
        forms.add(word[:-1] + "ves")
    # Past tense and participle.
    if word.endswith(("ed", "ing")):
        return forms
    if word.endswith("ee"):
        forms.update((word + "d", word + "ing"))
    elif word.endswith("ie"):
        forms.update((word + "d", word[:-2] + "ying"))
    elif last == "e":
        forms.update((word + "d", word[:-1] + "ing", word + "ing"))
    elif last == "y" and before not in _VOWELS:
        forms.update((word[:-1] + "ied", word + "ing"))
    elif last == "c":
        forms.update((word + "ed", word + "ing", word + "ked", word + "king"))
    else:
        plain = (word + "ed", word + "ing")
        cvc = last not in _NO_DOUBLING and before in _VOWELS and word[-3] not in _VOWELS
        if cvc:
            doubled = word + last
            forms.update((doubled + "ed", doubled + "ing"))
            if _syllables(word) > 1:
                forms.update(plain)
        else:
            forms.update(plain)
    return forms


# A word -> the words derived from it or it from them (diagnosis -> diagnose, diagnostic), as a
# lexical resource lists them; the data is read outside core and handed in (see
# :mod:`roomguard.store.word_families`). Keys and values are lowercase ASCII words.
WordFamilies = Mapping[str, Collection[str]]
NO_FAMILIES: WordFamilies = {}
# Combinations of derived words kept per phrase: past this, only the last word is expanded.
_MAX_COMBINATIONS = 64


def derived_forms(
    word: str, families: WordFamilies, excluded: Collection[str] = ()
) -> list[str]:
    """The words of *word*'s family other than itself, sorted, *excluded* ones left out.

    Only words the detector would inflect (lowercase ASCII, three letters or more) are looked
    up, so a name or a number never gains a family.
    """
    if len(word) < 3 or not (word.isascii() and word.isalpha()):
        return []
    return sorted(f for f in families.get(word, ()) if f != word and f not in excluded)


def phrase_variants(
    normalised: str,
    families: WordFamilies = NO_FAMILIES,
    excluded: Collection[str] = (),
) -> set[str]:
    """Every normalised form a phrase (already :func:`normalise_phrase`-d) matches.

    The last word takes its :func:`inflections`; a two-word phrase also matches the closed
    compound ("lay off" → "layoff", "layoffs"; "step father" → "stepfather"). With *families*,
    each word may also be any word of its family (:func:`derived_forms`: "diagnosis" →
    "diagnose", so "diagnosed"), the last word then inflected too; a phrase whose words would
    combine into more than 64 spellings has only its last word's family. A derived word or a
    whole variant listed in *excluded* (folded, as :func:`normalise_phrase` gives) is left out;
    the phrase's own words never are.
    """
    words = normalised.split(" ")
    if not normalised or not all(words):
        return set()
    choices = [[w, *derived_forms(w, families, excluded)] for w in words]
    if len(words) > 1 and math.prod(len(c) for c in choices) > _MAX_COMBINATIONS:
        choices = [[w] for w in words[:-1]] + [choices[-1]]
    variants: set[str] = set()
    for combination in itertools.product(*choices):
        head = " ".join(combination[:-1])
        variants |= {f"{head} {form}" if head else form for form in inflections(combination[-1])}
    if len(words) == 2 and all(w.isalpha() for w in words):
        variants |= inflections(words[0] + words[1])
    if excluded:
        own = " ".join(words)
        variants = {v for v in variants if v == own or v not in excluded}
    return variants
