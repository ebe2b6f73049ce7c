"""Stafet: a chat companion for digital ambassadors."""
