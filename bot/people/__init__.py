"""People: who is talking, in which language and time zone."""
