"""Decoding is strict: a document of the wrong shape is refused with a message naming the field."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.core.models import Agreement, Client, Role, SessionRecord
from roomguard.store import Store, StoreCorrupt, codec
from roomguard.store.codec import CodecError, dump, dump_event, load, load_event
from roomguard.store.seal import seal, unseal
from tests.builders import build_agreement, build_client, build_party
from tests.strategies import agreements, any_event, clients, session_records


def on_disk(obj: Any) -> dict[str, Any]:
    """The document as it comes back from a file (enums as plain strings)."""
    return orjson.loads(orjson.dumps(dump(obj)))


def agreement_doc() -> dict[str, Any]:
    return on_disk(
        build_agreement(client_id="c1", participants=[build_party(name="Ann", role=Role.CLIENT)])
    )


@pytest.mark.parametrize(
    ("where", "bad", "field"),
    [
        (lambda d: d["participants"][0], ("name", 5), "$.participants[0].name"),
        (lambda d: d["participants"][0], ("role", "king"), "$.participants[0].role"),
        (lambda d: d["participants"][0], ("role", 3), "$.participants[0].role"),
        (lambda d: d["participants"][0], ("aliases", None), "$.participants[0].aliases"),
        (lambda d: d["participants"][0], ("aliases", "Annie"), "$.participants[0].aliases"),
        (lambda d: d["participants"][0], ("ended_on", "soon"), "$.participants[0].ended_on"),
        (lambda d: d["participants"][0], ("added_on", 20260101), "$.participants[0].added_on"),
        (lambda d: d["terms"], ("version", "2"), "$.terms.version"),
        (lambda d: d["terms"], ("version", True), "$.terms.version"),
        (lambda d: d["terms"], ("version", 1.5), "$.terms.version"),
        (lambda d: d["terms"], ("created_at", 1700000000), "$.terms.created_at"),
        (lambda d: d["terms"], ("shareable", "admin"), "$.terms.shareable"),
        (lambda d: d, ("participants", {"name": "Ann"}), "$.participants"),
        (lambda d: d, ("muted_phrases", [1, 2]), "$.muted_phrases[0]"),
        (lambda d: d, ("muted_phrases", "ab"), "$.muted_phrases"),
        (lambda d: d, ("next_review", 7), "$.next_review"),
        (lambda d: d, ("client_id", None), "$.client_id"),
        (lambda d: d["cadence"], ("kind", "fortnights"), "$.cadence.kind"),
    ],
)
def test_agreement_with_a_wrong_type_is_refused_naming_the_field(where, bad, field):
    doc = agreement_doc()
    key, value = bad
    where(doc)[key] = value
    with pytest.raises(CodecError) as caught:
        load(Agreement, doc)
    assert field in str(caught.value)
    assert str(caught.value).startswith("invalid Agreement")


def test_missing_required_field_is_named():
    doc = agreement_doc()
    del doc["client_id"]
    with pytest.raises(CodecError, match=r"required field missing @ \$\.client_id"):
        load(Agreement, doc)


@pytest.mark.parametrize("doc", [None, [], "client", 3])
def test_a_document_that_is_not_an_object_is_refused(doc):
    with pytest.raises(CodecError, match="expected an object"):
        load(Client, doc)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"kind": "nope", "at": "2026-01-01T10:00:00"}, "unknown event kind 'nope'"),
        ({"at": "2026-01-01T10:00:00"}, "unknown event kind None"),
        ({"kind": 7}, "unknown event kind 7"),
        ([], "expected an object"),
        (
            {"kind": "presence", "at": "2026-01-01T10:00", "participant_id": "p", "present": "yes"},
            "$.present",
        ),
        (
            {"kind": "presence", "at": "2026-01-01T10:00", "participant_id": 1, "present": True},
            "$.participant_id",
        ),
        ({"kind": "presence", "at": 5, "participant_id": "p", "present": True}, "$.at"),
        (
            {
                "kind": "alert",
                "at": "2026-01-01T10:00",
                "topic_id": "t",
                "topic_name": "n",
                "uncleared": "abc",
                "reason": "r",
            },
            "$.uncleared",
        ),
    ],
)
def test_event_of_the_wrong_shape_is_refused(doc, message):
    with pytest.raises(CodecError) as caught:
        load_event(doc)
    assert message in str(caught.value)


def test_unknown_extra_keys_are_tolerated():
    """A newer Roomguard may add fields; an older one reading a backup must not choke."""
    client = build_client(name="Ann", id="c1")
    doc = on_disk(client)
    doc["added_in_a_later_version"] = {"x": 1}
    assert load(Client, doc) == client


# ------------------------------------------------------------------ type confusion, everywhere


def _leaves(doc: Any, path: str = "$") -> list[tuple[str, Any, Any, Any]]:
    """(cattrs-style path, container, key, value) for every value in *doc*."""
    out = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc)
    for key, value in items:
        here = f"{path}.{key}" if isinstance(doc, dict) else f"{path}[{key}]"
        out.append((here, doc, key, value))
        if isinstance(value, dict | list):
            out.extend(_leaves(value, here))
    return out


def _wrong(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return 5
    if isinstance(value, list):
        return "ab"
    if isinstance(value, dict):
        return ["not", "an", "object"]
    return None


def _confusable(doc: dict[str, Any]) -> list[tuple[str, Any, Any, Any]]:
    # None marks an absent optional value: any type goes there, so nothing to confuse.
    return [leaf for leaf in _leaves(doc) if leaf[3] is not None and leaf[0] != "$.kind"]


@settings(max_examples=max(10, settings.default.max_examples // 2))  # agreements are costly
@given(
    st.one_of(
        agreements().map(lambda a: (Agreement, on_disk(a))),
        clients().map(lambda c: (Client, on_disk(c))),
        session_records().map(lambda r: (SessionRecord, on_disk(r))),
    ),
    st.data(),
)
def test_any_value_of_the_wrong_type_is_refused_naming_its_path(case, data):
    cls, doc = case
    path, container, key, value = data.draw(st.sampled_from(_confusable(doc)))
    container[key] = _wrong(value)
    with pytest.raises(CodecError) as caught:
        load(cls, doc)
    assert path in str(caught.value)


@given(any_event(), st.data())
def test_any_event_value_of_the_wrong_type_is_refused_naming_its_path(event, data):
    doc = orjson.loads(orjson.dumps(dump_event(event)))
    path, container, key, value = data.draw(st.sampled_from(_confusable(doc)))
    container[key] = _wrong(value)
    with pytest.raises(CodecError) as caught:
        load_event(doc)
    assert path in str(caught.value)


# ------------------------------------------------------------------ through the store


def test_store_reports_a_wrongly_typed_client_file_as_corrupt_naming_file_and_field(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="c1"))
        store.save_agreement(build_agreement(client_id="c1"))
    path = store_path / "clients" / "c1.json"
    doc = orjson.loads(unseal(path.read_bytes()))
    doc["agreement"]["1"]["terms"]["version"] = "two"
    path.write_bytes(seal(orjson.dumps(doc)))  # checksum fine: the shape is what is wrong
    before = path.read_bytes()
    with Store.open(store_path) as store, pytest.raises(StoreCorrupt) as caught:
        store.agreement("c1")
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert "$.terms.version" in str(caught.value)
    assert path.read_bytes() == before


def test_store_reports_a_wrongly_typed_event_as_corrupt_naming_the_journal(store):
    from datetime import datetime

    from roomguard.core.events import NoteAdded
    from roomguard.store.journal import encode_line

    record = store.start_session("c1", datetime(2026, 3, 1, 9), 1, [])
    store.append_event(record.id, NoteAdded(at=datetime(2026, 3, 1, 9, 5), text="hello"))
    journal = store.root / "sessions" / record.month / f"{record.id}.jsonl"
    with journal.open("ab") as fh:  # well-formed line, checksum fine, but the wrong shape
        fh.write(encode_line({"kind": "note", "at": "2026-03-01T09:06:00", "text": 42}))
    store.end_session(record, datetime(2026, 3, 1, 9, 7))  # ended: not recounted at open
    store.close()
    with Store.open(store.root) as again, pytest.raises(StoreCorrupt) as caught:
        again.events(record.id)
    assert caught.value.path == journal
    assert "$.text" in str(caught.value)


def test_a_wrongly_typed_event_in_a_session_left_open_is_named_at_open(store):
    """Opening recomputes a left-open session's counts from its journal: the bad event is
    found then, and the open refuses naming the journal, not a traceback."""
    from datetime import datetime

    from roomguard.store.journal import encode_line

    record = store.start_session("c1", datetime(2026, 3, 1, 9), 1, [])
    journal = store.root / "sessions" / record.month / f"{record.id}.jsonl"
    with journal.open("ab") as fh:
        fh.write(encode_line({"kind": "note", "at": "2026-03-01T09:06:00", "text": 42}))
    store.close()
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(store.root)
    assert caught.value.path == journal
    assert "$.text" in str(caught.value)


# ------------------------------------------------------------------ the fast path agrees


@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(
    st.one_of(
        agreements().map(lambda a: (Agreement, a)),
        clients().map(lambda c: (Client, c)),
        session_records().map(lambda r: (SessionRecord, r)),
    ),
    st.data(),
)
def test_the_fast_converter_accepts_exactly_what_the_walker_accepts(case, data):
    """``load`` tries a converter built per type first and falls back to the path-naming walker
    only when it refuses: a valid document must never need the walker, and a value the walker
    refuses must never get past the converter."""
    cls, obj = case
    doc = on_disk(obj)
    assert codec._converter(cls)(doc) == obj  # valid: the fast path alone decodes it
    path, container, key, value = data.draw(st.sampled_from(_confusable(doc)))
    container[key] = _wrong(value)
    walker = codec._Decoder()
    walker.record(doc, cls, "$")
    assert walker.problems, path
    with pytest.raises(codec._Invalid):
        codec._converter(cls)(doc)
