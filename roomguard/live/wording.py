"""How a live session reads on screen: a log line for each event, two wordings of each alert.

Every private thing is worded twice: in full (topic, phrase, who is not cleared and why) and
for discreet mode, where a topic is only "Private topic 2" and no phrase or reason shows. The
numbering (:attr:`SessionWording.masks`) is fixed for the session from the agreement's private
topics, so "Private topic 2" means the same topic in the banner, the log and the summary.
"""

from __future__ import annotations

from roomguard.core.events import (
    AlertAcknowledged,
    AlertRaised,
    ClockWentBack,
    DiscreetModeChanged,
    Event,
    GuestJoined,
    MentionRepeated,
    PresenceChanged,
    PresenceSource,
    SessionEnded,
    SessionStarted,
    TopicMarked,
)
from roomguard.core.models import Agreement
from roomguard.core.policy import is_private_topic
from roomguard.core.reports import describe_clock_change
from roomguard.core.session import Guard
from roomguard.live.view import AlertView, LogEntry, LogKind


def topic_masks(agreement: Agreement) -> dict[str, str]:
    """Topic id -> its discreet name, for the private topics in the agreement's order."""
    private = [t for t in agreement.terms.topics if is_private_topic(agreement, t.id)]
    return {t.id: f"Private topic {i}" for i, t in enumerate(private, start=1)}


class SessionWording:
    def __init__(self, agreement: Agreement, guard: Guard) -> None:
        self.agreement = agreement
        self.guard = guard
        self.masks = topic_masks(agreement)

    def topic_name(self, topic_id: str) -> str:
        topic = self.agreement.terms.topic(topic_id)
        return topic.name if topic is not None else topic_id

    def names(self, ids: list[str]) -> str:
        return ", ".join(self.guard.person(pid).name for pid in ids)

    def alert_view(self, alert: AlertRaised) -> AlertView:
        """Banner wording: what happened, then who is not cleared (names first, so a narrow
        screen cuts reasons rather than people). The full reason is in the log and dialog.

        The discreet wording names neither the topic nor the people not cleared: beside a
        private topic's number, a name says who must not hear it, and the screen is shared."""
        mask = self.masks.get(alert.topic_id, "a private topic")
        lead = alert.reason.split(" with uncleared people present:", 1)[0]
        people = alert.reason.split(" with uncleared people present: ", 1)[-1]
        text = f"{lead} — NOT cleared: {people}"
        count = len(alert.uncleared)
        masked = (f"Alert on {mask} — {count} {'person' if count == 1 else 'people'} "
                  "present not cleared")
        repeats = self.guard.state.mentions.get(alert.id, [])
        own = 1 if alert.trigger_kind == "topic detected" else 0
        latest = repeats[-1].at if repeats else None
        return AlertView(alert.id, alert.at, text, masked, own + len(repeats), latest)

    def entry_for(self, event: Event) -> LogEntry | None:
        """The log line for an event the guard returned (lines and notes are logged by whoever
        typed or heard them, with their highlights)."""
        match event:
            case SessionStarted():
                names = self.names(event.present) or "nobody"
                uncleared = any(self.guard.clearance_of(pid, event.at.date()).uncleared
                                for pid in event.present)
                count = len(event.present)
                return LogEntry(event.at, LogKind.EVENT, f"Session started; in the room: {names}",
                                private=uncleared,
                                masked=f"Session started; {count} in the room, someone not "
                                "cleared among them" if uncleared else "")
            case PresenceChanged():
                person = self.guard.person(event.participant_id)
                how = " (heard speaking)" if event.source is PresenceSource.SPEECH else ""
                verb = "came in" if event.present else "left"
                # The name of someone not cleared is hidden in discreet mode, as in the roster.
                uncleared = bool(self.guard.clearance_of(person.id, event.at.date()).uncleared)
                return LogEntry(event.at, LogKind.EVENT, f"{person.name} {verb}{how}",
                                private=uncleared,
                                masked=f"A person not cleared ({person.role.label}) {verb}{how}"
                                if uncleared else "")
            case GuestJoined():
                how = " (unrecognised speaker)" if event.source is PresenceSource.SPEECH else ""
                return LogEntry(event.at, LogKind.EVENT,
                                f"Guest {event.guest.name} came in{how}: not cleared for any "
                                "private topic", private=True,
                                masked=f"A guest came in{how}: not cleared for any private topic")
            case TopicMarked():
                verb = "marked active" if event.active else "closed"
                return LogEntry(event.at, LogKind.EVENT,
                                f"{self.topic_name(event.topic_id)} {verb}", private=True,
                                masked=f"{self.masks.get(event.topic_id, 'A topic')} {verb}")
            case AlertRaised():
                return LogEntry(event.at, LogKind.ALERT, event.reason, private=True,
                                masked=self.alert_view(event).masked)
            case MentionRepeated():
                alert = self.guard.state.alerts.get(event.alert_id)
                topic_id = alert.topic_id if alert is not None else ""
                repeats = self.guard.state.mentions.get(event.alert_id, [])
                # Usually the mention just recorded (the last): found without a walk, which
                # cost a session with thousands of mentions quadratic time.
                place = (len(repeats) - 1 if repeats and repeats[-1] is event else
                         next((i for i, m in enumerate(repeats) if m is event), len(repeats) - 1))
                count = place + 2  # the alert's own mention is the first
                said = f' ("{event.phrase}")' if event.phrase else ""
                return LogEntry(event.at, LogKind.ALERT,
                                f"{self.topic_name(topic_id)} came up again{said}: mention "
                                f"{count} of the waiting alert", private=True,
                                masked=f"{self.masks.get(topic_id, 'A private topic')} came up "
                                f"again: mention {count}")
            case AlertAcknowledged():
                alert = self.guard.state.alerts.get(event.alert_id)
                topic_id = alert.topic_id if alert is not None else ""
                full = f"Alert on {self.topic_name(topic_id)} handled: {event.action.value}"
                if event.note:
                    full += f" ({event.note})"
                if event.mute_phrase:
                    full += f'; "{event.mute_phrase}" no longer flagged'
                masked = (f"Alert on {self.masks.get(topic_id, 'a topic')} handled: "
                          f"{event.action.value}")
                return LogEntry(event.at, LogKind.ACK, full, private=True, masked=masked)
            case DiscreetModeChanged():
                return LogEntry(event.at, LogKind.EVENT,
                                f"Discreet mode {'on' if event.on else 'off'}")
            case ClockWentBack():
                text = describe_clock_change(event)
                return LogEntry(event.at, LogKind.EVENT, text[0].upper() + text[1:])
            case SessionEnded():
                return LogEntry(event.at, LogKind.EVENT, "Session ended")
        return None  # NoteAdded, TopicDetected: logged with the line itself
