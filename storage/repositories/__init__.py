"""Queries, one repository per concept. They flush, never commit: the caller owns the unit of work."""
