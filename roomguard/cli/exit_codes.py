"""Process exit statuses, shared by every subcommand."""

OK = 0
ALERTS = 1  # `roomguard check` found alerts
ERROR = 2  # bad arguments, unknown client, unreadable file or store (argparse uses 2 too)
UNKNOWN_SPEAKERS = 3  # `roomguard check`: no alert, but someone the agreement does not know
LOCKED = 4  # an encrypted store (or export) and no passphrase to open it: no file, no terminal
WRONG_PASSPHRASE = 5  # the passphrase or recovery key given does not open it; nothing changed
CRASH = 70  # an unexpected error: a crash report was written (EX_SOFTWARE in sysexits.h)
