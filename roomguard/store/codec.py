"""Turns domain objects into JSON-ready documents and back (cattrs does the walking).

Dates and datetimes are stored as ISO strings, enums by value; events carry a ``kind`` tag.
Decoding is strict: a document of the wrong shape raises :class:`CodecError` naming the field,
which the import and the corruption checks turn into a precise message.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, get_origin

import cattrs
from cattrs.cols import list_structure_factory
from cattrs.errors import BaseValidationError

from roomguard.core.events import EVENT_TYPES, Event

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=False)
converter.register_unstructure_hook(date, lambda d: d.isoformat())
converter.register_unstructure_hook(datetime, lambda d: d.isoformat())
converter.register_unstructure_hook_func(
    lambda t: isinstance(t, type) and issubclass(t, Enum), lambda e: e.value
)


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string, got {type(value).__name__}")
    return date.fromisoformat(value)


def _structure_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date-time string, got {type(value).__name__}")
    return datetime.fromisoformat(value)


def _structure_str(value: Any, cl: type) -> Any:
    # Also reached for StrEnum fields (a str subclass): check the type, then let the enum
    # reject unknown values.
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value if cl is str else cl(value)


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {type(value).__name__}")
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true/false, got {type(value).__name__}")
    return value


def _is_list(t: Any) -> bool:
    return get_origin(t) is list


def _strict_list_factory(cl: Any) -> Any:
    items = list_structure_factory(cl, converter)

    def structure_list(value: Any, t: Any) -> list[Any]:
        if not isinstance(value, list):  # cattrs alone turns "ab" into ["a", "b"]
            raise ValueError(f"expected a list, got {type(value).__name__}")
        return items(value, t)  # type: ignore[no-any-return]

    return structure_list


converter.register_structure_hook(date, _structure_date)
converter.register_structure_hook(datetime, _structure_datetime)
# Class hooks, not predicates: cattrs consults its per-class registry (where it keeps its own
# lenient str/int hooks that call ``str(value)``/``int(value)``) before any predicate, so
# predicate hooks for these types would never run. bool needs its own entry (it subclasses int).
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook_factory(_is_list, _strict_list_factory)


class CodecError(ValueError):
    """A document does not have the shape of the record it should hold."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.what = what
        self.problems = problems
        super().__init__(f"invalid {what}: " + "; ".join(problems))


def _describe(exc: BaseException) -> list[str]:
    if isinstance(exc, BaseValidationError):
        notes = cattrs.transform_error(exc)
        return list(notes)
    return [str(exc)]


def dump(obj: Any) -> dict[str, Any]:
    out = converter.unstructure(obj)
    assert isinstance(out, dict)
    return out


def load(cls: type[T], doc: Any) -> T:
    if not isinstance(doc, dict):
        raise CodecError(cls.__name__, [f"expected an object, got {type(doc).__name__}"])
    try:
        return converter.structure(doc, cls)
    except (BaseValidationError, ValueError, TypeError, KeyError) as exc:
        raise CodecError(cls.__name__, _describe(exc)) from exc


def dump_event(event: Event) -> dict[str, Any]:
    doc = dump(event)
    doc["kind"] = event.KIND
    return doc


def load_event(doc: Any) -> Event:
    if not isinstance(doc, dict):
        raise CodecError("event", ["expected an object"])
    kind = doc.get("kind")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise CodecError("event", [f"unknown event kind {kind!r}"])
    body = {k: v for k, v in doc.items() if k != "kind"}
    return load(cls, body)
