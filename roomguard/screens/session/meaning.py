"""The session screen's share of the semantic layer ("possible topic").

After the first frame, one thread (:class:`~roomguard.live.semantic.lane.ScoringThread`) loads
the model and then scores the lines the session queued, in order; each result comes back to
the UI thread (``call_from_thread``), where :meth:`LiveSession.meaning.possible` records it.
A possible topic is announced calmly: its own style in the banner and log, a gentle toast, no
bell. "a" (or a click on the banner) asks "Was this about <topic>?": yes, it was / no.
If the layer is off or cannot load, nothing changes for the exact phrases and the status line
says so.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from roomguard.live.semantic.lane import (
    LaneState,
    ScoringThread,
    SemanticRequest,
    lane_for,
)
from roomguard.live.semantic.scorer import Possible

if TYPE_CHECKING:
    from roomguard.screens.session.screen import SessionScreen

ENV_SWITCH = "ROOMGUARD_SEMANTIC"  # "off": the layer is not used in this process


class ScreenMeaning:
    def __init__(self, screen: SessionScreen) -> None:
        self.screen = screen
        self.thread: ScoringThread | None = None

    def attach(self) -> None:
        """Give the session its lane (off when the practice or the client turned it off) and
        start loading it after the first frame."""
        live = self.screen.live
        if live is None or os.environ.get(ENV_SWITCH, "").lower() in ("off", "0", "no"):
            return  # turned off for this process: no lane, nothing said
        lane = lane_for(self.screen.host.store.setting, live.client.id,
                        live.agreement.terms.topics, live.agreement.not_topic_lines)
        live.meaning.lane = lane
        if lane.state is LaneState.LOADING:
            self.thread = ScoringThread(lane, self._scored, self._loaded)
            self.screen.call_after_refresh(self.thread.start)

    def detach(self) -> None:
        if self.thread is not None:
            self.thread.stop()

    def submit_waiting(self) -> None:
        live = self.screen.live
        if live is None or self.thread is None:
            return
        for request in live.meaning.take_requests():
            self.thread.submit(request)

    # ------------------------------------------------------------- from the scoring thread
    def _loaded(self) -> None:
        self.screen.app.call_from_thread(self.screen._show_status)

    def _scored(self, request: SemanticRequest, judged: Possible | None) -> None:
        if judged is not None:
            self.screen.app.call_from_thread(self._record, request, judged)

    def _record(self, request: SemanticRequest, judged: Possible) -> None:
        live = self.screen.live
        if live is None:
            return
        outcome = live.meaning.possible(request, judged)
        if not outcome.events:
            return
        self.screen.show(outcome)
        for possible in outcome.possibles:
            view = live.meaning.view(possible)
            self.screen.notify(view.masked if live.state.discreet else view.text,
                               title="Possible topic", severity="warning", timeout=6,
                               markup=False)

    # ------------------------------------------------------------- answering
    def answer(self, possible_id: str = "") -> bool:
        """Ask about a waiting possible topic (*possible_id*, or the oldest when no exact alert
        waits); whether one was asked about."""
        live = self.screen.live
        if live is None:
            return False
        waiting = live.meaning.waiting()
        chosen = next((p for p in waiting if p.id == possible_id), None)
        if chosen is None and (possible_id and possible_id in live.state.alerts
                               or live.state.unacknowledged() or not waiting):
            return False
        possible = chosen or waiting[0]
        from roomguard.screens.dialogs.confirm import Confirm

        name = (live.wording.masks.get(possible.topic_id, "a private topic")
                if live.state.discreet else possible.topic_name)
        detail = "" if live.state.discreet else f'"{possible.line}"'

        def answered(confirmed: bool | None) -> None:
            if confirmed is not None:
                self.screen._do(live.meaning.answer(possible.id, confirmed))

        self.screen.app.push_screen(
            Confirm(f"Was this about {name}?", yes="Yes, it was", no="No", detail=detail),
            answered)
        return True
