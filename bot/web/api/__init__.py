"""The JSON API under /api/v1: everything the dashboard shows and does, for scripts and reports."""
