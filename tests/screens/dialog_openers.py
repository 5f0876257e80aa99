"""Every modal dialog of the app, each opened the way a coach opens it (issue 18).

:data:`DIALOGS` maps a name to how the dialog is reached: which app (a demo practice, an empty
store, a session under way) and the keys that open it. The snapshot tests take a picture of
each at 80x24 and 120x36; the property test types into each one's text fields. A new dialog
belongs here, so both cover it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen

from roomguard.app import RoomguardApp
from roomguard.screens.agreement_forms.cadence_form import CadenceForm
from roomguard.screens.agreement_forms.consent_form import ConsentForm
from roomguard.screens.agreement_forms.document_form import DocumentForm
from roomguard.screens.agreement_forms.next_session_form import NextSessionForm
from roomguard.screens.agreement_forms.party_form import PartyForm
from roomguard.screens.agreement_forms.revoke_form import RevokeForm
from roomguard.screens.agreement_forms.scope_form import ScopeForm
from roomguard.screens.agreement_forms.shareable_form import ShareableForm
from roomguard.screens.agreement_forms.terms_history import TermsHistory
from roomguard.screens.agreement_forms.topic_form import TopicForm
from roomguard.screens.agreements import AgreementsScreen
from roomguard.screens.dialogs.client_form import ClientForm
from roomguard.screens.dialogs.client_picker import ClientPicker
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.delete_client import DeleteClientScreen
from roomguard.screens.dialogs.help import HelpScreen
from roomguard.screens.dialogs.ics_form import IcsPathForm
from roomguard.screens.dialogs.onboarding import Onboarding
from roomguard.screens.dialogs.reschedule_form import RescheduleForm
from roomguard.screens.dialogs.retention_form import RetentionForm
from roomguard.screens.dialogs.review_form import ReviewForm
from roomguard.screens.home import HomeScreen
from roomguard.screens.lock.idle_form import IdleLockForm
from roomguard.screens.lock.passphrase_form import PassphraseForm
from roomguard.screens.lock.recovery_key import RecoveryKeyModal
from roomguard.screens.session.acknowledge_form import AcknowledgeForm
from roomguard.screens.session.briefing import SessionBriefing
from roomguard.screens.session.follow_form import FollowForm
from roomguard.screens.session.guest_form import GuestForm
from roomguard.screens.session.questions import LeaveSession
from roomguard.screens.session.reveal import RevealLine
from roomguard.screens.session.screen import SessionScreen
from roomguard.screens.session.summary import SessionSummaryScreen
from roomguard.store import Store
from tests.screens.helpers import NOW, seeded_store, settle_session

Opener = Callable[[Pilot[None]], Awaitable[None]]


@dataclass(frozen=True)
class Dialog:
    kind: type[Screen[object]]
    start: str  # "home", "empty" (a new store: the welcome dialog) or "session" (Noah Kim's)
    open: Opener


async def settle(pilot: Pilot[None]) -> None:
    """Workers done (a transcript follower excepted) and the screen repainted."""
    await settle_session(pilot)


def app_for(dialog: Dialog, root: Path) -> RoomguardApp:
    """The app a dialog opens from, on a store under *root* named by a relative path (so no
    temporary folder shows in a picture), at the tests' fixed clock."""
    path = root / "store"
    if dialog.start != "empty":
        seeded_store(path)
    client_id = None
    if dialog.start == "session":
        with Store.open(path, readonly=True) as store:
            client_id = store.find_client("Noah Kim").id
    return RoomguardApp(path, clock=lambda: NOW, session_client=client_id)


# ----------------------------------------------------------------------------- openers
def keys(*pressed: str) -> Opener:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


def home_action(action: str) -> Opener:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, HomeScreen)
        getattr(home, f"action_{action}")()
        await settle(pilot)

    return run


async def picker(pilot: Pilot[None]) -> None:
    await settle(pilot)
    app: RoomguardApp = pilot.app  # type: ignore[assignment]
    app.push_screen(ClientPicker(app.store.clients()))
    await settle(pilot)


def agreement_key(key: str, client: str = "Priya Raman") -> Opener:
    async def run(pilot: Pilot[None]) -> None:
        app: RoomguardApp = pilot.app  # type: ignore[assignment]
        await settle(pilot)
        app.open_agreements(app.store.find_client(client))
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
        await pilot.press(key)
        await settle(pilot)

    return run


def session_keys(*pressed: str, begin: bool = True) -> Opener:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if begin:
            assert isinstance(pilot.app.screen, SessionBriefing), pilot.app.screen
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(pilot.app.screen, SessionScreen)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run


# A recovery key is random: the picture shows this one (the flow is tested in test_lock.py).
RECOVERY_KEY = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"


async def recovery_key(pilot: Pilot[None]) -> None:
    await settle(pilot)
    pilot.app.push_screen(RecoveryKeyModal(RECOVERY_KEY))
    await settle(pilot)


async def idle_lock(pilot: Pilot[None]) -> None:
    await settle(pilot)
    pilot.app.action_idle_lock()  # type: ignore[attr-defined]
    await settle(pilot)


async def briefing(pilot: Pilot[None]) -> None:
    await settle(pilot)


def with_alert(*then: str) -> Opener:
    """Grace comes in, the coach notes the divorce (an alert), leaves the input, then *then*."""
    typed = ["space" if ch == " " else ch for ch in "we talked about the divorce"]
    return session_keys("3", "n", *typed, "enter", "escape", *then)


DIALOGS: dict[str, Dialog] = {
    "passphrase": Dialog(PassphraseForm, "empty", keys()),
    "welcome": Dialog(Onboarding, "empty", keys("escape")),  # after the passphrase step
    "recovery_key": Dialog(RecoveryKeyModal, "home", recovery_key),
    "idle_lock": Dialog(IdleLockForm, "home", idle_lock),
    "new_client": Dialog(ClientForm, "home", keys("n")),
    "client_picker": Dialog(ClientPicker, "home", picker),
    "close_client": Dialog(Confirm, "home", home_action("close_client")),
    "delete_client": Dialog(DeleteClientScreen, "home", home_action("delete_client")),
    "retention": Dialog(RetentionForm, "home", home_action("retention")),
    "help": Dialog(HelpScreen, "home", keys("question_mark")),
    "mark_reviewed": Dialog(ReviewForm, "home", keys("c", "m")),
    "reschedule": Dialog(RescheduleForm, "home", keys("c", "s")),
    "export_ics": Dialog(IcsPathForm, "home", keys("c", "e")),
    "add_party": Dialog(PartyForm, "home", agreement_key("p")),
    "add_topic": Dialog(TopicForm, "home", agreement_key("t")),
    "record_consent": Dialog(ConsentForm, "home", agreement_key("r")),
    "revoke_consent": Dialog(RevokeForm, "home", agreement_key("v")),
    "add_scope": Dialog(ScopeForm, "home", agreement_key("x")),
    "cadence": Dialog(CadenceForm, "home", agreement_key("k")),
    "next_session": Dialog(NextSessionForm, "home", agreement_key("n")),
    "shareable": Dialog(ShareableForm, "home", agreement_key("s")),
    "document": Dialog(DocumentForm, "home", agreement_key("g")),
    "terms_history": Dialog(TermsHistory, "home", agreement_key("y", "Marcus Webb")),
    "briefing": Dialog(SessionBriefing, "session", briefing),
    "acknowledge": Dialog(AcknowledgeForm, "session", with_alert("a")),
    "guest": Dialog(GuestForm, "session", session_keys("g")),
    "follow": Dialog(FollowForm, "session", session_keys("f")),
    "leave": Dialog(LeaveSession, "session", session_keys("escape")),
    "end_session": Dialog(Confirm, "session", with_alert("e")),
    "summary": Dialog(SessionSummaryScreen, "session", with_alert("e", "y")),
    "reveal": Dialog(RevealLine, "session", with_alert("d", "r")),
}


async def open_dialog(pilot: Pilot[None], name: str) -> Screen[object]:
    """Open dialog *name*; the toasts raised on the way are taken down (they are not the
    dialog, and their timeouts run on the real clock)."""
    dialog = DIALOGS[name]
    await dialog.open(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, dialog.kind), f"{name}: {screen!r}"
    pilot.app.clear_notifications()
    await settle(pilot)
    return screen
