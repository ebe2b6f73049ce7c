"""The HR dashboard at /admin: server-rendered pages, no JavaScript needed."""
