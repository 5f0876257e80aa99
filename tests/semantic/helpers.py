"""What the semantic tests share: the real model (skipped, saying why, when it is not built),
and a client whose assistant is not cleared for her marriage or her mental health."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import pytest

from roomguard.core.models import Agreement, Client, ConsentMethod, Participant, PrivateTopic, Role
from roomguard.live.semantic.encoder import Encoder, EncoderUnavailable, model_built
from roomguard.live.semantic.lane import SemanticLane
from tests.builders import build_agreement, signed

T0 = datetime(2026, 11, 25, 10, 0)
CLIENT_ID = "c-maya"
NOT_BUILT = "the semantic model is not built (make builds it: roomguard/live/semantic/build_model.py)"

needs_model = pytest.mark.skipif(not model_built(), reason=NOT_BUILT)


@cache
def encoder() -> Encoder:
    try:
        return Encoder.load()
    except EncoderUnavailable as exc:  # pragma: no cover - guarded by needs_model
        pytest.skip(f"{NOT_BUILT}: {exc}")


def maya_and_her_agreement() -> tuple[Client, Agreement]:
    """Maya (client), Alex (coach), and Sam, her assistant, cleared for nothing private."""
    agreed = T0.date() - timedelta(days=30)
    maya = Participant("Maya Ross", Role.CLIENT, id="maya", aliases=["Maya"], added_on=agreed)
    alex = Participant("Alex Morgan", Role.COACH, id="alex", aliases=["Alex"], added_on=agreed)
    sam = Participant("Sam Lee", Role.ASSISTANT, id="sam", aliases=["Sam"], added_on=agreed)
    client = Client("Maya Ross", id=CLIENT_ID, created_on=agreed)
    agreement = build_agreement(
        maya, alex, sam, client_id=client.id,
        topics=[
            PrivateTopic("Marriage", ["divorce", "separation"], id="marriage", examples=[
                "My marriage is in trouble.",
                "My husband and I are thinking of splitting up.",
                "We keep fighting and I'm not sure the relationship will survive.",
            ]),
            PrivateTopic("Mental health", ["depression", "therapy"], id="mental", examples=[
                "I've been struggling with my mental health.",
                "I feel low and empty most days.",
                "I've been seeing a psychologist.",
            ]),
        ],
        consents=signed(maya, alex, sam, on=agreed, method=ConsentMethod.WET_SIGNATURE),
    )
    return client, agreement


def ready_lane(agreement: Agreement, *, inline: bool = True) -> SemanticLane:
    lane = SemanticLane(agreement.terms.topics, agreement.not_topic_lines, inline=inline)
    lane.load()
    assert lane.ready, lane.status
    return lane
