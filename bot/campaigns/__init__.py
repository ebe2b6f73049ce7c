"""Learning campaigns: who gets a nudge when, and the planning that puts it in the outbox."""
