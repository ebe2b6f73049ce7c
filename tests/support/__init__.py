"""Shared test helpers: databases, a live server, a web chat client."""
