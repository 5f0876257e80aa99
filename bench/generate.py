"""A deterministic, seeded ten-year practice, written through the real store.

``generate(root, spec)`` writes ~250 clients (agreements with 1-3 third parties, 2-6 private
topics with phrases, consents per terms version, amendments, reviews, to-dos) and ~10,000
sessions over ten years holding ~250,000 journal events (presence changes, topic detections,
alerts and their acknowledgements, notes, marks, discreet mode, guests).

Everything is derived from ``spec.seed``: ids, names, dates, texts. The same spec always gives
the same files, byte for byte.

Two writers produce the same bytes:

* ``method="public"``: only public ``Store`` calls (``append_event``, ``update_session``,
  ``end_session``): one fsync per event, so a full-size store takes minutes.
* ``method="bulk"`` (default): clients, agreements and settings still go through the public
  calls; each session's journal is written in one go with the store's own line encoder
  (:func:`roomguard.store.journal.encode_line` over :func:`roomguard.store.codec.dump_event`),
  and each month's session index in one TinyDB ``insert_multiple`` on the table object the
  store itself uses (``Store._table``; the store has no public bulk import). One ``os.sync``
  at the end makes it durable. ``tests/test_bench_smoke.py`` checks that both writers give
  identical files.

:func:`cached_store` keeps the generated store under ``bench/.cache/`` keyed by
:data:`GENERATOR_VERSION` and the spec, so reruns only copy it. Run ``python -m bench.generate``
to (re)build it by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    DiscreetModeChanged,
    Event,
    GuestJoined,
    NoteAdded,
    PresenceChanged,
    PresenceSource,
    SessionEnded,
    SessionStarted,
    TopicDetected,
    TopicMarked,
    TopicSource,
)
from roomguard.core.models import (
    THIRD_PARTY_ROLES,
    Agreement,
    Cadence,
    CadenceKind,
    Client,
    ClientStatus,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Review,
    ReviewOutcome,
    Role,
    ScopeExtension,
    SessionRecord,
    Terms,
    Todo,
)
from roomguard.store import Store
from roomguard.store.atomic import FILE_MODE, ensure_dir
from roomguard.store.codec import dump, dump_event
from roomguard.store.journal import encode_line

# Bump whenever the generated content changes (the cache is keyed by it).
GENERATOR_VERSION = 1

CACHE_DIR = Path(__file__).resolve().parent / ".cache"
MANIFEST = "bench-manifest.json"  # inside the cache entry, written last: marks it complete
COACH_NAME = "Alex Morgan"


@dataclass(frozen=True)
class Spec:
    clients: int = 250
    sessions: int = 10_000
    events: int = 250_000  # journal lines in total, SessionStarted/SessionEnded included
    years: int = 10
    end: date = date(2026, 11, 20)
    seed: int = 20161121

    def key(self) -> str:
        return (
            f"g{GENERATOR_VERSION}-c{self.clients}-s{self.sessions}-e{self.events}"
            f"-y{self.years}-{self.end:%Y%m%d}-r{self.seed}"
        )

    @property
    def start(self) -> date:
        return self.end.replace(year=self.end.year - self.years)


FULL = Spec()
QUICK = Spec(clients=40, sessions=1_000, events=25_000)
TINY = Spec(clients=6, sessions=40, events=900, years=2)


# --------------------------------------------------------------------------- vocabulary
_FIRST = (
    "Aisha Ben Carla Dmitri Elif Farah Gabriel Hana Ivan Jonas Kemi Liam Mei Nadia Oscar "
    "Priya Quentin Rosa Sami Tara Umar Vera Wen Ximena Yusuf Zoe Amara Bruno Chloe Diego "
    "Esther Finn Greta Hugo Ines Jamal Keiko Lars Maya Nikhil Olga Pablo Rania Stefan Thea "
    "Ugo Valentina Will Yara Zain"
)
_LAST = (
    "Adeyemi Bauer Castro Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Lopez "
    "Moreau Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Ueda Varga Walsh Xu Yilmaz "
    "Zhang Abbott Brennan Chen Delgado Evans Ferreira Gupta Hoffmann Ivanova Johansson Khan "
    "Lindqvist Murphy Novak"
)
FIRST, LAST = _FIRST.split(), _LAST.split()
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Health", ("diagnosis", "therapy", "medication", "burnout", "panic attack", "sick leave")),
    ("Compensation", ("salary", "bonus", "pay rise", "equity", "stock options")),
    ("Restructuring", ("layoff", "redundancy", "reorg", "restructuring", "headcount")),
    ("Career moves", ("new job", "resign", "interview", "headhunter", "notice period")),
    ("Family conflict", ("divorce", "custody", "argument at home", "shouting")),
    ("Relationships", ("girlfriend", "boyfriend", "partner", "dating", "breakup")),
    ("Manager relationship", ("my manager", "conflict with boss", "performance review")),
    ("Money worries", ("debt", "mortgage", "overdraft", "loan", "bankruptcy")),
    ("Grief", ("bereavement", "funeral", "grief", "passed away")),
    ("Self-harm and safety", ("self-harm", "hurt myself", "unsafe", "crisis line")),
    ("Addiction", ("drinking", "gambling", "relapse", "sober")),
    ("Legal matters", ("lawsuit", "lawyer", "tribunal", "settlement")),
    ("School worries", ("exam", "grades", "homework", "teacher", "detention")),
    ("Development goals", ("promotion", "leadership goals", "360 feedback", "succession")),
    ("Workload", ("delegation", "workload", "calendar overload", "overtime")),
    ("Immigration", ("visa", "residence permit", "deportation", "citizenship")),
)
NOTES = (
    "Agenda: next steps, scheduling",
    "Client reports a better week",
    "Reviewed last session's actions",
    "Explored options for the quarter",
    "Homework: journal three times this week",
    "Agreed to revisit this next time",
    "Energy lower than usual today",
    "Celebrated a small win",
    "Worked through a role-play",
    "Next session booked",
)
LINES = (
    "I keep coming back to the {p} thing",
    "honestly the {p} is on my mind a lot",
    "we talked about {p} with the team",
    "can we park {p} for a minute",
    "the {p} came up again on Tuesday",
)
CALM_LINES = (
    "the weather has been awful",
    "let's look at the calendar",
    "I finished the reading you sent",
    "traffic was bad this morning",
)


# --------------------------------------------------------------------------- the plan
@dataclass
class PlannedClient:
    client: Client
    agreement: Agreement
    begins: date
    ends: date
    # (valid from, terms version, topics of that version) oldest first
    versions: list[tuple[date, Terms]] = field(default_factory=list)

    def terms_on(self, day: date) -> Terms:
        current = self.versions[0][1]
        for since, terms in self.versions:
            if since <= day:
                current = terms
        return current


@dataclass(frozen=True)
class PlannedSession:
    index: int
    client: int  # index into the plan's clients
    started_at: datetime
    n_events: int  # journal lines including SessionStarted and SessionEnded
    session_id: str


@dataclass
class Plan:
    spec: Spec
    clients: list[PlannedClient]
    sessions: list[PlannedSession]  # oldest first

    def months(self) -> Iterator[tuple[str, list[PlannedSession]]]:
        current: list[PlannedSession] = []
        month = ""
        for s in self.sessions:
            m = f"{s.started_at:%Y%m}"
            if m != month and current:
                yield month, current
                current = []
            month = m
            current.append(s)
        if current:
            yield month, current


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def _person(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(FIRST)
    return f"{first} {rng.choice(LAST)}", first


def _topics(rng: random.Random, n: int) -> list[PrivateTopic]:
    out = []
    for name, phrases in rng.sample(TOPICS, n):
        picked = rng.sample(phrases, rng.randint(2, min(5, len(phrases))))
        out.append(PrivateTopic(name, list(picked), id=_hex(rng)))
    return out


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def _plan_client(rng: random.Random, spec: Spec, span_days: int) -> PlannedClient:
    # Engagements: mostly 4-18 months, some multi-year.
    length = rng.randint(120, 540) if rng.random() < 0.75 else rng.randint(540, 6 * 365)
    first_day = spec.start + timedelta(days=rng.randint(0, max(1, span_days - 60)))
    last_day = min(spec.end, first_day + timedelta(days=length))
    closed = last_day < spec.end - timedelta(days=45)

    name, first = _person(rng)
    client = Client(
        name,
        id=_hex(rng),
        created_on=first_day,
        status=ClientStatus.CLOSED if closed else ClientStatus.ACTIVE,
        closed_on=last_day + timedelta(days=14) if closed else None,
        notes=rng.choice(("", "", "referred by HR", "self-funded", "prefers mornings")),
    )
    client_p = Participant(name, Role.CLIENT, id=_hex(rng), aliases=[first], added_on=first_day)
    coach = Participant(COACH_NAME, Role.COACH, id=_hex(rng), aliases=["Alex", "Coach"],
                        added_on=first_day)
    thirds = []
    for _ in range(rng.randint(1, 3)):
        tname, tfirst = _person(rng)
        added = first_day + timedelta(days=rng.choice((0, 0, 14, 60)))
        thirds.append(Participant(
            tname, rng.choice(THIRD_PARTY_ROLES), id=_hex(rng), aliases=[tfirst],
            contact=f"{tfirst.lower()}@example.com", added_on=min(added, last_day),
        ))

    topics = _topics(rng, rng.randint(2, 6))
    v1_day = first_day
    scopes = []
    for t in thirds:
        if rng.random() < 0.5:
            allowed = rng.sample(topics, rng.randint(1, min(2, len(topics))))
            scopes.append(ScopeExtension(t.id, [x.id for x in allowed], "agreed at intake",
                                         starts_on=t.added_on, id=_hex(rng)))
    versions = [(v1_day, Terms(version=1, created_at=_at(v1_day, 9), topics=topics,
                                scopes=scopes))]
    # Amendments: a new topic added part-way through a longer engagement.
    amendments = rng.choice((0, 0, 1, 1, 2)) if (last_day - first_day).days > 200 else 0
    for k in range(amendments):
        day = first_day + timedelta(days=(last_day - first_day).days * (k + 1) // (amendments + 1))
        prev = versions[-1][1]
        used = {t.name for t in prev.topics}
        extra = [t for t in _topics(rng, 3) if t.name not in used][:1]
        versions.append((day, Terms(version=prev.version + 1, created_at=_at(day, 9),
                                    topics=[*prev.topics, *extra], scopes=list(prev.scopes))))

    parties = [client_p, coach, *thirds]
    consents = []
    methods = list(ConsentMethod)
    for since, terms in versions:
        for p in parties:
            if p.added_on > last_day:
                continue
            signed = max(since, p.added_on) + timedelta(days=rng.randint(0, 5))
            expires = signed + timedelta(days=365) if p.role.is_third_party else None
            consent = ConsentRecord(p.id, terms.version, signed, rng.choice(methods),
                                    document_ref=f"docs/{client.id[:6]}-v{terms.version}.pdf",
                                    expires_on=expires, id=_hex(rng))
            if p.role.is_third_party and rng.random() < 0.05:
                consent.revoked_on = signed + timedelta(days=rng.randint(10, 200))
                consent.revocation_note = "withdrew by email"
            consents.append(consent)

    cadence = rng.choice((
        Cadence(CadenceKind.MONTHS, 3), Cadence(CadenceKind.MONTHS, 3), Cadence(CadenceKind.WEEKS, 6),
        Cadence(CadenceKind.MONTHS, 6),
        Cadence(CadenceKind.RRULE, rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYSETPOS=1"),
    ))
    step = timedelta(weeks=cadence.interval) if cadence.kind is CadenceKind.WEEKS else timedelta(
        days=30 * (cadence.interval if cadence.kind is CadenceKind.MONTHS else 3))
    reviews = []
    day = first_day + step
    amend_days = {d for d, _ in versions[1:]}
    while day <= last_day:
        outcome = ReviewOutcome.AMEND if any(abs((day - a).days) < 20 for a in amend_days) else (
            ReviewOutcome.CONTINUE)
        reviews.append(Review(day, outcome, day + step, [client_p.id, coach.id],
                              notes=rng.choice(("", "all well", "scope still right")),
                              id=_hex(rng)))
        day += step
    next_review = None if closed else (reviews[-1].next_review if reviews else first_day + step)
    todos = [
        Todo(f"written consent from {t.name}", _at(first_day, 11), participant_id=t.id,
             done_at=_at(first_day + timedelta(days=3), 12) if rng.random() < 0.8 else None,
             id=_hex(rng))
        for t in thirds if rng.random() < 0.3
    ]
    current = versions[-1][1]
    agreement = Agreement(
        client_id=client.id, participants=parties, terms=current,
        history=[t for _, t in versions[:-1]], consents=consents, cadence=cadence,
        next_review=next_review, reviews=reviews,
        muted_phrases=rng.sample([p for t in topics for p in t.phrases], rng.choice((0, 0, 1))),
        todos=todos, id=_hex(rng),
    )
    return PlannedClient(client, agreement, first_day, last_day, versions)


def plan(spec: Spec) -> Plan:
    """Clients, agreements and the session calendar (events are made per session, on demand)."""
    rng = random.Random(spec.seed)
    span_days = (spec.end - spec.start).days
    clients = [_plan_client(rng, spec, span_days) for _ in range(spec.clients)]

    # Share the sessions out by engagement length: busier clients for longer engagements.
    weights = [max(14, (c.ends - c.begins).days) for c in clients]
    total = sum(weights)
    counts = [max(1, w * spec.sessions // total) for w in weights]
    i = 0
    while sum(counts) < spec.sessions:
        counts[i % len(counts)] += 1
        i += 1
    while sum(counts) > spec.sessions:
        j = max(range(len(counts)), key=counts.__getitem__)
        counts[j] -= 1

    slots: list[tuple[datetime, int]] = []
    for ci, (c, n) in enumerate(zip(clients, counts, strict=True)):
        days = max(1, (c.ends - c.begins).days)
        for k in range(n):
            day = c.begins + timedelta(days=min(days, days * k // n + rng.randint(0, 2)))
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            day = max(day, c.begins)
            slots.append((_at(day, rng.randint(8, 17), rng.choice((0, 15, 30, 45))), ci))
    slots.sort()

    # Event counts per session: 12..38 lines, then nudged to hit spec.events exactly.
    sizes = [rng.randint(12, 38) for _ in slots]
    diff = spec.events - sum(sizes)
    k = 0
    while diff and sizes:
        j = k % len(sizes)
        if diff > 0 and sizes[j] < 60:
            sizes[j] += 1
            diff -= 1
        elif diff < 0 and sizes[j] > 4:
            sizes[j] -= 1
            diff += 1
        k += 1
        if k > 100 * len(sizes):
            break
    sessions = [
        PlannedSession(i, ci, at, n, f"{at:%Y%m}-{_hex(rng)}")
        for i, ((at, ci), n) in enumerate(zip(slots, sizes, strict=True))
    ]
    return Plan(spec, clients, sessions)


def session_events(plan_: Plan, s: PlannedSession) -> tuple[SessionRecord, list[Event]]:
    """The session's final index record and all its events, SessionStarted first."""
    rng = random.Random(plan_.spec.seed * 1_000_003 + s.index)
    pc = plan_.clients[s.client]
    day = s.started_at.date()
    terms = pc.terms_on(day)
    agreement = pc.agreement
    client_p = agreement.participants[0]
    coach = agreement.participants[1]
    thirds = [p for p in agreement.participants[2:] if p.added_on <= day]

    budget = s.n_events - 2  # started and ended
    n_alerts = min(rng.choice((0, 0, 0, 1, 1, 2, 3)), budget // 4)
    n_presence = min(2 * rng.randint(1, 3), budget - 2 * n_alerts) if thirds else 0
    rest = budget - 2 * n_alerts - n_presence
    kinds: list[str] = ["presence"] * n_presence + ["alert"] * n_alerts
    for _ in range(rest):
        r = rng.random()
        kinds.append("topic" if r < 0.45 else "note" if r < 0.9 else "mark" if r < 0.96 else
                     "discreet" if r < 0.99 else "guest")
    rng.shuffle(kinds)

    t = s.started_at
    present = {client_p.id, coach.id}
    events: list[Event] = [SessionStarted(at=t, client_id=pc.client.id,
                                          terms_version=terms.version,
                                          present=[client_p.id, coach.id])]
    alerts = unhandled = 0
    discreet = False
    marked: set[str] = set()
    step = timedelta(seconds=max(5, 3000 // max(1, s.n_events)))
    for kind in kinds:
        t += step
        if kind == "presence":
            who = rng.choice(thirds)
            now_in = who.id not in present
            (present.add if now_in else present.discard)(who.id)
            events.append(PresenceChanged(t, who.id, now_in, rng.choice(
                (PresenceSource.KEY, PresenceSource.KEY, PresenceSource.SPEECH))))
        elif kind == "alert":
            topic = rng.choice(terms.topics)
            phrase = rng.choice(topic.phrases)
            who = rng.choice(thirds) if thirds else client_p
            alert = AlertRaised(t, topic.id, topic.name, [who.id],
                                f"{who.name} has no scope extension for {topic.name}", phrase,
                                id=_hex(rng))
            events.append(alert)
            alerts += 1
            if rng.random() < 0.05:
                unhandled += 1
                events.append(NoteAdded(t + timedelta(seconds=2), "left for later"))
            else:
                events.append(AlertAcknowledged(t + timedelta(seconds=rng.randint(5, 60)), alert.id,
                                                rng.choice(list(AckAction))))
        elif kind == "topic":
            topic = rng.choice(terms.topics)
            phrase = rng.choice(topic.phrases)
            line = rng.choice(LINES).format(p=phrase)
            start = line.index(phrase)
            src = rng.choice((TopicSource.TRANSCRIPT, TopicSource.TRANSCRIPT, TopicSource.NOTE))
            speaker = client_p.aliases[0] if src is TopicSource.TRANSCRIPT else ""
            cue = f"00:{(t - s.started_at).seconds // 60:02d}:{t.second:02d}.000" if speaker else ""
            events.append(TopicDetected(t, topic.id, phrase, src, line, speaker, start,
                                        start + len(phrase), cue))
        elif kind == "note":
            r = rng.random()
            text = rng.choice(NOTES) if r < 0.8 else rng.choice(CALM_LINES)
            events.append(NoteAdded(t, text, private=r > 0.9, shareable=r < 0.1))
        elif kind == "mark":
            topic = rng.choice(terms.topics)
            on = topic.id not in marked
            (marked.add if on else marked.discard)(topic.id)
            events.append(TopicMarked(t, topic.id, on))
        elif kind == "discreet":
            discreet = not discreet
            events.append(DiscreetModeChanged(t, discreet))
        else:
            gname, gfirst = _person(rng)
            events.append(GuestJoined(t, Participant(gname, Role.GUEST, id=_hex(rng),
                                                     aliases=[gfirst], added_on=day)))
    ended = s.started_at + timedelta(minutes=50)
    events.append(SessionEnded(max(ended, t + timedelta(seconds=1))))
    record = SessionRecord(
        client_id=pc.client.id, started_at=s.started_at, id=s.session_id,
        ended_at=events[-1].at, terms_version=terms.version, alerts=alerts, unhandled=unhandled,
    )
    return record, events


# --------------------------------------------------------------------------- writers
def _write_practice(store: Store, p: Plan) -> None:
    store.set_setting("coach_name", COACH_NAME)
    for pc in p.clients:
        store.save_client(pc.client)
        store.save_agreement(pc.agreement)


def write_public(store: Store, p: Plan) -> int:
    """Public Store calls only, exactly as the app records a session. Returns events written."""
    _write_practice(store, p)
    n = 0
    for s in p.sessions:
        record, events = session_events(p, s)
        final_alerts, final_unhandled, ended_at = record.alerts, record.unhandled, record.ended_at
        assert ended_at is not None
        live = SessionRecord(client_id=record.client_id, started_at=record.started_at,
                             id=record.id, terms_version=record.terms_version)
        store.append_event(live.id, events[0])  # what Store.start_session does, with our id
        store.update_session(live)
        for event in events[1:-1]:
            store.append_event(live.id, event)
        live.alerts, live.unhandled = final_alerts, final_unhandled
        store.end_session(live, ended_at)
        n += len(events)
    return n


def write_bulk(store: Store, p: Plan) -> int:
    """Same files as :func:`write_public`, one write per journal and per month. Returns events."""
    _write_practice(store, p)
    n = 0
    for month, sessions in p.months():
        folder = store.root / "sessions" / month
        ensure_dir(folder)
        docs = []
        for s in sessions:
            record, events = session_events(p, s)
            data = b"".join(encode_line(dump_event(e)) for e in events)
            fd = os.open(folder / f"{record.id}.jsonl", os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                         FILE_MODE)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            docs.append(dump(record))
            n += len(events)
        store._table(store._month_path(month), "sessions").insert_multiple(docs)
    os.sync()
    return n


def generate(root: Path, spec: Spec = FULL, method: str = "bulk") -> dict[str, object]:
    """Write the practice into a new store at *root*. Returns a manifest of what was written."""
    t0 = time.perf_counter()
    p = plan(spec)
    store = Store.open(root)
    try:
        if not store.is_empty():
            raise RuntimeError(f"{root} is not an empty store")
        writer = {"bulk": write_bulk, "public": write_public}[method]
        n_events = writer(store, p)
    finally:
        store.close()
    seconds = time.perf_counter() - t0
    biggest = max(p.clients, key=lambda c: len(orjson.dumps(dump(c.agreement))))
    open_at_end = [c for c in p.clients if c.client.status is ClientStatus.ACTIVE]
    return {
        "generator_version": GENERATOR_VERSION,
        "spec": {k: str(v) if isinstance(v, date) else v for k, v in asdict(spec).items()},
        "method": method,
        "clients": len(p.clients),
        "active_clients": len(open_at_end),
        "sessions": len(p.sessions),
        "events": n_events,
        "months": len({f"{s.started_at:%Y%m}" for s in p.sessions}),
        "largest_agreement_client": biggest.client.id,
        "third_party_of_active": next(
            (c.agreement.participants[2].id for c in open_at_end), ""),
        "seconds": round(seconds, 3),
    }


def cached_store(spec: Spec = FULL, cache_dir: Path | None = None) -> tuple[Path, dict[str, object]]:
    """The generated store for *spec* (generated once, then reused). Never write into it: copy."""
    cache_dir = cache_dir or CACHE_DIR
    entry = cache_dir / spec.key()
    manifest_path = entry / MANIFEST
    if manifest_path.exists():
        return entry, orjson.loads(manifest_path.read_bytes())
    ensure_dir(cache_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.key()}.", dir=cache_dir))
    try:
        manifest = generate(tmp / "store", spec)
        (tmp / "store" / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        try:
            os.rename(tmp / "store", entry)
        except OSError:
            if not manifest_path.exists():  # not a concurrent run that finished first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return entry, orjson.loads(manifest_path.read_bytes())


def copy_store(src: Path, dst: Path) -> Path:
    """A private, writable copy of a cached store (the cache itself is never opened for writing)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(MANIFEST))
    with contextlib.suppress(AttributeError):
        os.sync()
    return dst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the smaller --quick store")
    parser.add_argument("--out", type=Path, help="write a fresh store here instead of the cache")
    parser.add_argument("--method", choices=("bulk", "public"), default="bulk")
    args = parser.parse_args(argv)
    spec = QUICK if args.quick else FULL
    if args.out:
        manifest = generate(args.out, spec, args.method)
    else:
        path, manifest = cached_store(spec)
        print(path)
    print(orjson.dumps(manifest, option=orjson.OPT_INDENT_2).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
