"""The live session's room: the screen, its briefing and summary, and the dialogs it opens.

The screen only maps keys and widgets to :class:`roomguard.live.session.LiveSession` and
renders its outcomes; everything decided lives in the live layer and core.
"""
