"""The live session, headless: input in, outcomes out, every event recorded in order.

:class:`~roomguard.live.session.LiveSession` is the one place a session happens. The TUI maps
keys and widgets to its methods and renders what they return; ``roomguard check`` drives the
same class with nothing stored, so a transcript raises the same alerts live and afterwards.
Nothing here imports Textual. This ``__init__`` imports nothing, so the widgets can take the
view types from :mod:`roomguard.live.view` without pulling in the store.
"""
