"""Roomguard: keeps a session's confidentiality agreement in view while the session runs."""

__version__ = "0.1.0"
