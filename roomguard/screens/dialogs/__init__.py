"""Modal dialogs that belong to no one screen: forms, pickers and confirmations.

Each is a ``ModalScreen`` that dismisses with its answer. They share ``screens/modal.tcss`` (the
``dialog``, ``title``, ``field-label``, ``error`` and ``buttons`` classes) through
``CSS_PATH = "../modal.tcss"``: Textual resolves a relative ``CSS_PATH`` against the file of the
class being shown, so every subclass names it from its own folder. A form that can lose typed
edits extends :class:`~roomguard.screens.dialogs.discard.DiscardGuard`, which cancels at once when
nothing was typed and asks first otherwise. The live session's own dialogs live with it in
``screens/session/``; the agreement's forms in ``screens/agreement_forms/``.
"""
