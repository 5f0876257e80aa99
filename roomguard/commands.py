"""Command palette entries, derived from bindings so every keyed action is also searchable.

A screen lists its actions once, in ``BINDINGS``; actions that have no key go in
``PALETTE_COMMANDS`` as ``(title, help, action)``. Both become palette entries here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

# Textual's own system commands already cover these.
_SKIP_ACTIONS = {"quit", "command_palette", "app.quit"}


def _bindings_of(obj: object) -> Iterator[Binding]:
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
    entries: list[tuple[str, str, str, object]] = []
    for target in (screen, app):
        for binding in _bindings_of(target):
            if binding.action in _SKIP_ACTIONS:
                continue
            help_text = binding.tooltip or f"key: {_key_label(binding)}"
            entries.append((binding.description, help_text, binding.action, target))
    for title, help_text, action in getattr(screen, "PALETTE_COMMANDS", ()):
        entries.append((title, help_text, action, screen))
    titles: set[str] = set()
    for title, help_text, action, target in entries:
        if title in titles:
            continue
        titles.add(title)
        yield SystemCommand(title, help_text, partial(app.run_action, action, target))
