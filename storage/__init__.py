"""Persistence: models, database setup, repositories and migrations. Never imports `bot`."""
