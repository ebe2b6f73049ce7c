"""Slack: bolt AsyncApp over HTTP (or Socket Mode), Block Kit rendering, DM delivery."""
