"""Proactive messages: the outbox, the messengers that send, and the worker in between."""
