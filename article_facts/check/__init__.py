"""/check: pasted words against the archived statements (words, diff, candidates, verdict)."""
