"""Platform adapters: translate payloads to events, render replies, send proactive messages."""
