"""Encryption at rest, as the coach meets it: unlocking at start, the lock screen (ctrl+l and the
idle lock), setting a passphrase, the recovery key shown once, and encrypting a plaintext store.
See docs/ENCRYPTION.md."""
