"""The agreement's forms, one modal per file; each saves through a callback the screen gives it."""
