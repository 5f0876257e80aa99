"""Sample transcripts for the parser and follower tests; large ones are generated, not stored."""
