"""Sending copies by email: messages, the journal that makes sending exactly-once, SMTP."""
