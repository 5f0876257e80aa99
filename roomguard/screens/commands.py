"""The command palette (ctrl+p): every keyed action, and every client by name.

Two sources, one module, because both are only the palette's way of reaching what already exists:

- :func:`binding_commands` turns bindings into entries, so a screen lists its actions once, in
  ``BINDINGS``; actions that have no key go in ``PALETTE_COMMANDS`` as ``(title, help, action)``.
  The help screen reads the same bindings (:func:`bindings_of`).
- :class:`ClientCommands` lets the coach type part of a client's name to start a session, open
  the agreement or the history. Client names are shown literally (never parsed as markup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen

from roomguard.core.models import Client, ClientStatus
from roomguard.core.text import printable
from roomguard.screens.host import Host, UsesHost

# Textual's own system commands already cover these.
_SKIP_ACTIONS = {"quit", "command_palette", "app.quit"}


def bindings_of(obj: object) -> Iterator[Binding]:
    """*obj*'s described bindings, its own class first, one per action."""
    seen: set[str] = set()
    for cls in type(obj).__mro__:
        for item in cls.__dict__.get("BINDINGS", []):
            binding = item if isinstance(item, Binding) else Binding(*item)
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            yield binding


def _key_label(binding: Binding) -> str:
    return binding.key_display or binding.key.split(",")[0]


def binding_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    entries: list[tuple[str, str, str, DOMNode]] = []
    for target in (screen, app):
        for binding in bindings_of(target):
            if binding.action in _SKIP_ACTIONS:
                continue
            help_text = binding.tooltip or f"key: {_key_label(binding)}"
            entries.append((binding.description, help_text, binding.action, target))
    for owner in (screen, app):
        for title, help_text, action in getattr(owner, "PALETTE_COMMANDS", ()):
            entries.append((title, help_text, action, owner))
    titles: set[str] = set()
    for title, help_text, action, where in entries:
        if title in titles:
            continue
        titles.add(title)
        yield SystemCommand(title, help_text, partial(app.run_action, action, where))


# ----------------------------------------------------------------- clients by name
def _client_actions(host: Host) -> tuple[tuple[str, Callable[[Client], None], str], ...]:
    return (
        ("Start session", host.open_session, "Start a live session"),
        ("Agreement", host.open_agreements, "Parties, topics, scopes and consents"),
        ("History", host.open_history, "Past sessions and reports"),
    )


def literal_highlight(matcher: Matcher, text: str) -> Content:
    """Like ``Matcher.highlight`` but for text that must not be read as markup."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ClientCommands(UsesHost, Provider):
    def _entries(self) -> list[tuple[str, Callable[[], object], str]]:
        host = self.host
        if host.store_problem is not None:
            return []
        entries: list[tuple[str, Callable[[], object], str]] = []
        actions = _client_actions(host)
        for client in host.store.clients():
            if client.status is ClientStatus.CLOSED:
                continue
            name = printable(client.name, 80)
            for label, method, help_text in actions:
                entries.append((f"{label}: {name}", partial(method, client), help_text))
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
