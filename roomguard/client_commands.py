"""Command palette provider: type part of a client's name to start a session, open the
agreement or the history. Client names are shown literally (never parsed as markup)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from roomguard.core.models import Client, ClientStatus
from roomguard.core.text import printable

if TYPE_CHECKING:
    from roomguard.app import RoomguardApp

ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Start session", "open_session", "Start a live session"),
    ("Agreement", "open_agreements", "Parties, topics, scopes and consents"),
    ("History", "open_history", "Past sessions and reports"),
)


def literal_highlight(matcher: Matcher, text: str) -> Content:
    """Like ``Matcher.highlight`` but for text that must not be read as markup."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ClientCommands(Provider):
    def _entries(self) -> list[tuple[str, Callable[[], object], str]]:
        app: RoomguardApp = self.app  # type: ignore[assignment]
        if app.store_problem is not None:
            return []
        entries = []
        clients: list[Client] = app.store.clients()
        for client in clients:
            if client.status is ClientStatus.CLOSED:
                continue
            name = printable(client.name, 80)
            for label, method, help_text in ACTIONS:
                entries.append((f"{label}: {name}", partial(getattr(app, method), client), help_text))
        return entries

    async def discover(self) -> Hits:
        for text, command, help_text in self._entries():
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, literal_highlight(matcher, text), command, text=text, help=help_text)
