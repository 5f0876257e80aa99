"""A demonstration practice: realistic clients, third parties and agreements in different states.

Dates are relative to *today* so the demo always shows something overdue, something expiring
soon and something in force. It sits with the store because that is all it does: build core
records and save them through :class:`~roomguard.store.store.Store` (``--demo``, the palette's
"Load demo data", the benchmarks and many tests fill a store with it); it knows no UI.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from roomguard.core.cadence import occurrences
from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    Event,
    NoteAdded,
    PresenceChanged,
    PresenceSource,
    TopicDetected,
    TopicSource,
)
from roomguard.core.models import (
    Agreement,
    Cadence,
    CadenceKind,
    Client,
    ClientStatus,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
    Terms,
)
from roomguard.store.store import Store

COACH_NAME = "Alex Morgan"


def local_time(day: date, hour: int) -> datetime:
    """*hour* o'clock on *day*, as an aware time in this machine's zone, as the app records."""
    return datetime.combine(day, time(hour)).astimezone()


QUARTERLY_FIRST_MONDAY = Cadence(CadenceKind.RRULE,
                                 rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYSETPOS=1")


def latest_on_cadence(cadence: Cadence, on_or_before: date) -> date:
    """The cadence's last date on or before *on_or_before*: the demo's overdue review falls on
    a day of its own cadence (a first Monday of the quarter), not on a fixed number of days ago
    (which was a Friday on some days)."""
    *_, last = occurrences(cadence, on_or_before - timedelta(days=366), on_or_before)
    return last


def _consent(p: Participant, version: int, signed: date, method: ConsentMethod,
             ref: str = "", expires: date | None = None) -> ConsentRecord:
    return ConsentRecord(participant_id=p.id, terms_version=version, signed_on=signed,
                         method=method, document_ref=ref, expires_on=expires)


def demo_practice(today: date) -> list[tuple[Client, Agreement]]:
    def d(days: int) -> date:  # reads as "d(-30)": thirty days ago
        return today + timedelta(days=days)

    def at(days: int, hour: int) -> datetime:  # d(days) at hour o'clock, local time
        return local_time(d(days), hour)

    out: list[tuple[Client, Agreement]] = []

    # 1. Executive with her assistant: assistant cleared for one topic only; in force.
    priya = Client("Priya Raman", created_on=d(-200))
    p_client = Participant("Priya Raman", Role.CLIENT, aliases=["Priya"], added_on=d(-200))
    p_coach = Participant(COACH_NAME, Role.COACH, aliases=["Alex", "Coach"], added_on=d(-200))
    tom = Participant("Tom Becker", Role.ASSISTANT, aliases=["Tom", "TB"],
                      contact="tom.becker@example.com", added_on=d(-60))
    workload = PrivateTopic("Workload and delegation", ["delegation", "workload", "calendar overload"])
    terms = Terms(version=1, created_at=at(-60, 9), topics=[
        PrivateTopic("Health", ["diagnosis", "therapy", "medication", "burnout", "panic attack"]),
        PrivateTopic("Compensation", ["salary", "bonus", "pay rise", "equity", "stock options"]),
        PrivateTopic("Restructuring", ["layoff", "redundancy", "reorg", "restructuring"]),
        workload,
    ])
    terms.scopes = [ScopeExtension(tom.id, [workload.id], "Tom runs Priya's calendar", starts_on=d(-60))]
    priya_agreement = Agreement(
        client_id=priya.id, participants=[p_client, p_coach, tom], terms=terms,
        cadence=Cadence(CadenceKind.MONTHS, 3), next_review=d(40),
        consents=[
            _consent(p_client, 1, d(-60), ConsentMethod.E_SIGNATURE, "docs/priya-v1.pdf"),
            _consent(p_coach, 1, d(-60), ConsentMethod.E_SIGNATURE, "docs/priya-v1.pdf"),
            _consent(tom, 1, d(-58), ConsentMethod.EMAIL, "mail 2026 Tom Becker", expires=d(300)),
        ],
    )
    out.append((priya, priya_agreement))

    # 2. A child with a parent as supporter; the parent's consent expires soon.
    noah = Client("Noah Kim", created_on=d(-120), notes="14 years old; parent attends some sessions")
    n_client = Participant("Noah Kim", Role.CLIENT, aliases=["Noah"], added_on=d(-120))
    n_coach = Participant(COACH_NAME, Role.COACH, aliases=["Alex", "Coach"], added_on=d(-120))
    grace = Participant("Grace Kim", Role.SUPPORTER, aliases=["Grace", "Mum", "Mom"],
                        contact="+44 7700 900123", added_on=d(-120))
    school = PrivateTopic("School worries", ["exam", "grades", "homework", "teacher"])
    n_terms = Terms(version=1, created_at=at(-120, 9), topics=[
        PrivateTopic("Family conflict", ["divorce", "custody", "argument at home", "shouting"]),
        PrivateTopic("Friendships and dating", ["girlfriend", "boyfriend", "crush", "dating"]),
        PrivateTopic("Self-harm and safety", ["self-harm", "hurt myself", "unsafe"]),
        school,
    ])
    n_terms.scopes = [ScopeExtension(grace.id, [school.id], "Agreed at intake with Noah", starts_on=d(-120))]
    noah_agreement = Agreement(
        client_id=noah.id, participants=[n_client, n_coach, grace], terms=n_terms,
        cadence=Cadence(CadenceKind.WEEKS, 6), next_review=d(10),
        consents=[
            _consent(n_client, 1, d(-120), ConsentMethod.WET_SIGNATURE, "paper file NK-01"),
            _consent(n_coach, 1, d(-120), ConsentMethod.WET_SIGNATURE, "paper file NK-01"),
            _consent(grace, 1, d(-120), ConsentMethod.WET_SIGNATURE, "paper file NK-01", expires=d(12)),
        ],
    )
    out.append((noah, noah_agreement))

    # 3. A client with a company sponsor: terms amended, the sponsor must re-consent; review overdue.
    marcus = Client("Marcus Webb", created_on=d(-300))
    m_client = Participant("Marcus Webb", Role.CLIENT, aliases=["Marcus"], added_on=d(-300))
    m_coach = Participant(COACH_NAME, Role.COACH, aliases=["Alex", "Coach"], added_on=d(-300))
    elena = Participant("Elena Ruiz", Role.SPONSOR, aliases=["Elena"],
                        contact="elena.ruiz@example.org", added_on=d(-300))
    goals = PrivateTopic("Development goals", ["promotion", "leadership goals", "360 feedback"])
    v1 = Terms(version=1, created_at=at(-300, 9), topics=[
        PrivateTopic("Career moves", ["new job", "resign", "interview", "headhunter"]),
        goals,
    ], scopes=[ScopeExtension(elena.id, [goals.id], "Sponsor joins goal-setting", starts_on=d(-300))])
    v2 = Terms(version=2, created_at=at(-20, 9), topics=[
        *v1.topics,
        PrivateTopic("Manager relationship", ["my manager", "conflict with boss", "performance review"]),
    ], scopes=list(v1.scopes))
    marcus_agreement = Agreement(
        client_id=marcus.id, participants=[m_client, m_coach, elena], terms=v2, history=[v1],
        cadence=QUARTERLY_FIRST_MONDAY,
        next_review=latest_on_cadence(QUARTERLY_FIRST_MONDAY, d(-7)),
        consents=[
            _consent(m_client, 1, d(-300), ConsentMethod.E_SIGNATURE, "https://sign.example/mw1"),
            _consent(m_coach, 1, d(-300), ConsentMethod.E_SIGNATURE, "https://sign.example/mw1"),
            _consent(elena, 1, d(-299), ConsentMethod.E_SIGNATURE, "https://sign.example/mw1"),
            _consent(m_client, 2, d(-19), ConsentMethod.EMAIL, "email 'yes to v2'"),
            _consent(m_coach, 2, d(-19), ConsentMethod.EMAIL, "email 'yes to v2'"),
        ],
    )
    out.append((marcus, marcus_agreement))

    # 4. A solo client: no third party; review due in five days.
    sofia = Client("Sofia Alvarez", created_on=d(-80))
    s_client = Participant("Sofia Alvarez", Role.CLIENT, aliases=["Sofia"], added_on=d(-80))
    s_coach = Participant(COACH_NAME, Role.COACH, aliases=["Alex"], added_on=d(-80))
    sofia_agreement = Agreement(
        client_id=sofia.id, participants=[s_client, s_coach],
        terms=Terms(created_at=at(-80, 9), topics=[PrivateTopic("Grief", ["bereavement", "funeral", "grief"])]),
        cadence=Cadence(CadenceKind.MONTHS, 2), next_review=d(5),
        consents=[_consent(s_client, 1, d(-80), ConsentMethod.E_SIGNATURE),
                  _consent(s_coach, 1, d(-80), ConsentMethod.E_SIGNATURE)],
    )
    out.append((sofia, sofia_agreement))

    # 5. A closed client, kept until the retention period ends.
    daniel = Client("Daniel Osei", created_on=d(-700), status=ClientStatus.CLOSED, closed_on=d(-200))
    dn_client = Participant("Daniel Osei", Role.CLIENT, aliases=["Daniel"], added_on=d(-700))
    dn_coach = Participant(COACH_NAME, Role.COACH, added_on=d(-700))
    out.append((daniel, Agreement(client_id=daniel.id, participants=[dn_client, dn_coach],
                                  terms=Terms(created_at=at(-700, 9)), next_review=None)))
    return out


def _past_session(store: Store, client: Client, agreement: Agreement, start: datetime) -> None:
    """One finished session with a third party joining, an alert and its acknowledgement."""
    parties = {p.role: p for p in agreement.participants}
    client_p, coach = parties[Role.CLIENT], parties[Role.COACH]
    third = next((p for p in agreement.participants if p.role.is_third_party), None)
    record = store.start_session(client.id, start, agreement.terms.version, [client_p.id, coach.id])
    events: list[Event] = [NoteAdded(start + timedelta(minutes=2), "Agenda: next steps, scheduling")]
    alerts = 0
    if third is not None and agreement.terms.topics:
        topic = agreement.terms.topics[0]
        phrase = topic.phrases[0] if topic.phrases else topic.name
        joined = start + timedelta(minutes=20)
        alert = AlertRaised(joined + timedelta(minutes=5), topic.id, topic.name, [third.id],
                            f"{third.name} has no scope extension for {topic.name}", phrase)
        events += [
            PresenceChanged(joined, third.id, True, PresenceSource.KEY),
            TopicDetected(alert.at, topic.id, phrase, TopicSource.NOTE, f"mentioned {phrase}"),
            alert,
            AlertAcknowledged(alert.at + timedelta(seconds=40), alert.id, AckAction.STEPPED_OUT),
            PresenceChanged(alert.at + timedelta(seconds=45), third.id, False, PresenceSource.KEY),
            NoteAdded(start + timedelta(minutes=40), "Next session booked", shareable=True),
        ]
        alerts = 1
    for event in events:
        store.append_event(record.id, event)
    record.alerts = alerts
    store.end_session(record, start + timedelta(minutes=50))


def load_demo(store: Store, today: date) -> int:
    """Write the demo practice into *store*, dated around *today* (the app's clock: the store
    never reads one). Returns the number of clients added."""
    practice = demo_practice(today)
    store.set_setting("coach_name", COACH_NAME)
    for client, agreement in practice:
        store.save_client(client)
        store.save_agreement(agreement)
    for weeks_ago, (client, agreement) in zip((1, 2, 3, 5), practice[:4], strict=True):
        day = today - timedelta(weeks=weeks_ago)
        _past_session(store, client, agreement, local_time(day, 10))
    return len(practice)
