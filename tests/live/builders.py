"""What the live-session tests share: Noah's agreement (built with tests/builders.py), a store
holding it, a clock moved by hand, and a transcript line."""

from __future__ import annotations

from datetime import datetime, timedelta

from roomguard.core.models import (
    Agreement,
    Client,
    ConsentMethod,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
)
from roomguard.core.transcript import Utterance
from roomguard.store import Store
from tests.builders import build_agreement, signed

T0 = datetime(2026, 11, 25, 10, 0)
TODAY = T0.date()
CLIENT_ID = "c-noah"


def noah_and_his_agreement() -> tuple[Client, Agreement]:
    """Noah (client, id "noah") and Alex (coach, "alex") are always cleared. Grace ("grace"),
    his mother, has a scope extension and written consent for School worries only. Private
    topics: "family" (divorce, custody), "dating" (girlfriend, crush), "school" (exam,
    homework). Noah and Grace both answer to "Kim" in a transcript, so that label names two
    parties."""
    agreed = TODAY - timedelta(days=30)
    noah = Participant("Noah Kim", Role.CLIENT, id="noah", aliases=["Noah", "Kim"],
                       added_on=agreed)
    alex = Participant("Alex Morgan", Role.COACH, id="alex", aliases=["Alex"], added_on=agreed)
    grace = Participant("Grace Kim", Role.SUPPORTER, id="grace",
                        aliases=["Grace", "Mum", "Kim"], added_on=agreed)
    client = Client("Noah Kim", id=CLIENT_ID, created_on=agreed)
    agreement = build_agreement(
        noah, alex, grace,
        client_id=client.id,
        topics=[
            PrivateTopic("Family conflict", ["divorce", "custody"], id="family"),
            PrivateTopic("Friendships and dating", ["girlfriend", "crush"], id="dating"),
            PrivateTopic("School worries", ["exam", "homework"], id="school"),
        ],
        scopes=[ScopeExtension("grace", ["school"], "agreed at intake", starts_on=agreed)],
        consents=signed(noah, alex, grace, on=agreed, method=ConsentMethod.WET_SIGNATURE),
    )
    return client, agreement


def seed(store: Store) -> Store:
    """*store* with Noah and his agreement in it."""
    client, agreement = noah_and_his_agreement()
    store.save_client(client)
    store.save_agreement(agreement)
    return store


class Clock:
    """A session's clock, moved by hand: ``clock.at(7)`` is 10:07 on the test day."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: float) -> Clock:
        self.now = T0 + timedelta(minutes=minutes)
        return self


def heard(speaker: str, text: str, cue_time: str = "", line_no: int = 1) -> Utterance:
    return Utterance(speaker=speaker, text=text, cue_time=cue_time, line_no=line_no)
