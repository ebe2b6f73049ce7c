"""Prometheus metrics, one registry per running app (so tests never share counters)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "stafet_events_total", "Events handled", ["platform", "kind"], registry=self.registry
        )
        self.turn_seconds = Histogram(
            "stafet_turn_seconds", "Time to answer one event", registry=self.registry
        )
        self.handler_errors = Counter(
            "stafet_handler_errors_total", "Turns answered with an apology", registry=self.registry
        )
        self.delivered = Counter(
            "stafet_outbox_delivered_total", "Proactive messages sent", registry=self.registry
        )
