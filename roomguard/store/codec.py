"""Turns domain objects into JSON-ready documents and back.

Dates and datetimes are stored as ISO strings, enums by value; events carry a ``kind`` tag.
A datetime keeps its UTC offset when it has one (``2026-03-29T02:20:00+01:00``: what the app
records). A naive one (written before times carried their offset) loads as it was, naive, and
is read as this machine's local wall-clock time wherever it is ordered or subtracted
(:mod:`roomguard.core.instants`), so old journals and indexes load and add up as before.
Decoding is strict: every value of the wrong type is reported with its path (``expected text,
got int @ $.participants[2].name``), and all problems of a document are collected at once, so
the import and the corruption checks can give precise messages.

A small walker over dataclass fields rather than cattrs: the domain model is plain dataclasses
of a handful of types, and cattrs with attrs cost ~19 ms of every start-up (a third of
Roomguard's budget over a bare Textual app) for no behaviour we need.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

if typing.TYPE_CHECKING:
    from roomguard.core.events import Event

T = TypeVar("T")
_NONE = type(None)
_MISSING = object()


class CodecError(ValueError):
    """A document does not have the shape of the record it should hold."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.what = what
        self.problems = problems
        super().__init__(f"invalid {what}: " + "; ".join(problems))


# ----------------------------------------------------------------------------- encoding
def _unstructure(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_unstructure(v) for v in value]
    if isinstance(value, dict):
        return {k: _unstructure(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _unstructure(getattr(value, f.name)) for f in _fields(type(value))}
    return value


def dump(obj: Any) -> dict[str, Any]:
    out = _unstructure(obj)
    assert isinstance(out, dict)
    return out


# ----------------------------------------------------------------------------- decoding
@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(cls) if f.init)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


class _Decoder:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, message: str, path: str) -> Any:
        self.problems.append(f"{message} @ {path}")
        return _MISSING

    def value(self, value: Any, tp: Any, path: str) -> Any:
        origin = get_origin(tp)
        if origin in (Union, types.UnionType):
            options = get_args(tp)
            if value is None and _NONE in options:
                return None
            (inner,) = [o for o in options if o is not _NONE]  # the model only uses X | None
            return self.value(value, inner, path)
        if origin is list:
            if not isinstance(value, list):
                return self.fail(f"expected a list, got {_type_name(value)}", path)
            (item,) = get_args(tp) or (Any,)
            return [self.value(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        if tp is Any:
            return value
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.record(value, tp, path)
        if isinstance(tp, type) and issubclass(tp, Enum):
            try:
                return tp(value)
            except ValueError:
                allowed = ", ".join(repr(m.value) for m in tp)
                return self.fail(f"expected one of {allowed}, got {value!r:.60}", path)
        if tp is bool:
            if isinstance(value, bool):
                return value
            return self.fail(f"expected true/false, got {_type_name(value)}", path)
        if tp is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            return self.fail(f"expected a whole number, got {_type_name(value)}", path)
        if tp is str:
            if isinstance(value, str):
                return value
            return self.fail(f"expected text, got {_type_name(value)}", path)
        if tp is datetime or tp is date:
            if not isinstance(value, str):
                return self.fail(f"expected an ISO date, got {_type_name(value)}", path)
            try:
                parsed = tp.fromisoformat(value)
            except ValueError:
                return self.fail(f"not an ISO date: {value!r:.40}", path)
            if tp is date and isinstance(parsed, datetime):
                return self.fail(f"expected a date without a time: {value!r:.40}", path)
            return parsed
        raise TypeError(f"codec cannot decode {tp!r}")  # a model type the codec lacks: a bug

    def record(self, doc: Any, cls: type, path: str) -> Any:
        if not isinstance(doc, dict):
            return self.fail(f"expected an object, got {_type_name(doc)}", path)
        hints = _hints(cls)
        kwargs: dict[str, Any] = {}
        ok = True
        for f in _fields(cls):
            here = f"{path}.{f.name}"
            if f.name not in doc:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    self.fail("required field missing", here)
                    ok = False
                continue
            decoded = self.value(doc[f.name], hints[f.name], here)
            if decoded is _MISSING or (isinstance(decoded, list) and _MISSING in decoded):
                ok = False
            kwargs[f.name] = decoded
        return cls(**kwargs) if ok else _MISSING  # unknown keys from a newer version are ignored


# ----------------------------------------------------------------------------- fast path
# Almost every document the store reads is valid, and walking the type hints for each value
# (building a path string per field on the way) cost more than the rest of reading home. So a
# converter is built once per type and run without paths; the first wrong value stops it, and
# the walker above then runs to name every problem. Both accept exactly the same documents
# (tests/store/test_codec.py checks this on generated good and bad documents).
class _Invalid(Exception):
    """Raised by a converter at the first value that does not fit."""


Converter = typing.Callable[[Any], Any]


def _bad() -> typing.NoReturn:
    raise _Invalid


def _text(value: Any) -> Any:
    return value if isinstance(value, str) else _bad()


def _whole(value: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else _bad()


def _real(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return _bad()


def _flag(value: Any) -> Any:
    return value if isinstance(value, bool) else _bad()


def _same(value: Any) -> Any:
    return value


def _iso(tp: type[date]) -> Converter:
    def convert(value: Any) -> Any:
        if not isinstance(value, str):
            _bad()
        try:
            parsed = tp.fromisoformat(value)
        except ValueError:
            _bad()
        if tp is date and isinstance(parsed, datetime):
            _bad()
        return parsed

    return convert


def _member(tp: type[Enum]) -> Converter:
    def convert(value: Any) -> Any:
        try:
            return tp(value)
        except ValueError:
            _bad()

    return convert


def _optional(inner: Converter) -> Converter:
    return lambda value: None if value is None else inner(value)


def _items(item: Converter) -> Converter:
    def convert(value: Any) -> Any:
        if not isinstance(value, list):
            _bad()
        return [item(v) for v in value]

    return convert


@cache
def _converter(tp: Any) -> Converter:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        (inner,) = [o for o in get_args(tp) if o is not _NONE]
        return _optional(_converter(inner)) if _NONE in get_args(tp) else _converter(inner)
    if origin is list:
        (item,) = get_args(tp) or (Any,)
        return _items(_converter(item))
    if tp is Any:
        return _same
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _record(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _member(tp)
    simple = {bool: _flag, int: _whole, float: _real, str: _text}.get(tp)
    if simple is not None:
        return simple
    if tp is datetime or tp is date:
        return _iso(tp)
    raise TypeError(f"codec cannot decode {tp!r}")


def _record(cls: type) -> Converter:
    plan: list[tuple[str, Converter, bool]] = []
    built = False

    def convert(doc: Any) -> Any:
        nonlocal built
        if not built:  # on first use: a model type may refer to one defined after it
            hints = _hints(cls)
            plan.extend(
                (f.name, _converter(hints[f.name]),
                 f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                for f in _fields(cls)
            )
            built = True
        if not isinstance(doc, dict):
            _bad()
        kwargs = {}
        for name, field_converter, required in plan:
            if name in doc:
                kwargs[name] = field_converter(doc[name])
            elif required:
                _bad()
        return cls(**kwargs)

    return convert


def load(cls: type[T], doc: Any) -> T:
    if not isinstance(doc, dict):
        raise CodecError(cls.__name__, [f"expected an object, got {_type_name(doc)}"])
    try:
        return _converter(typing.cast(Any, cls))(doc)  # type: ignore[no-any-return]
    except _Invalid:
        pass  # the walker below says what is wrong, and where
    decoder = _Decoder()
    result = decoder.record(doc, cls, "$")
    if decoder.problems or result is _MISSING:
        raise CodecError(cls.__name__, decoder.problems or ["invalid document"])
    return result  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------- events
def dump_event(event: Event) -> dict[str, Any]:
    doc = dump(event)
    doc["kind"] = event.KIND
    return doc


def load_event(doc: Any) -> Event:
    from roomguard.core.events import EVENT_TYPES

    if not isinstance(doc, dict):
        raise CodecError("event", ["expected an object"])
    kind = doc.get("kind")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise CodecError("event", [f"unknown event kind {kind!r}"])
    return load(cls, {k: v for k, v in doc.items() if k != "kind"})
