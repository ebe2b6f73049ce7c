"""Pacing a claimed batch by the rate limits before anything else is loaded for it.

Every nudge of an occurrence is due at the same moment, so the head of the outbox can be one
workspace's backlog while the others' capacity goes unused. A row whose buckets have no token
now is therefore moved to its workspace's next free slot (spread at the workspace's rate), and
the head of the outbox becomes rows that can go now, from every workspace. A conversation's
later message never overtakes an earlier one that was moved: it is moved to the same moment
(the outbox orders by due time, then id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.delivery.limits import RateLimits
from bot.delivery.messenger import Target
from storage.models import OutboxMessage

REMEMBER_SECONDS = 120.0  # how long a moved message holds back its conversation's later ones

Conversation = tuple[str, str, str]


def conversation_of(target: Target) -> Conversation:
    address = target.address
    return address.platform.value, address.workspace_id, address.conversation_id


class Pacer:
    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self.moved: dict[Conversation, datetime] = {}  # the latest due a message here was moved to
        self.pruned_at: datetime | None = None

    def sort(
        self,
        rows: Sequence[OutboxMessage],
        targets: Mapping[int, Target],
        now: datetime,
        paced: Callable[[OutboxMessage, Target], bool],
    ) -> list[OutboxMessage]:
        """The rows to decide now, in order; the others are moved (their `due_at` is written).
        `paced` says whether a row spends tokens (a look-up of an earlier send does not)."""
        self._prune(now)
        spending = [
            (row.id, targets[row.id]) for row in rows if row.id in targets and paced(row, targets[row.id])
        ]
        waits = self.limits.plan(spending)
        keep: list[OutboxMessage] = []
        for row in rows:
            target = targets.get(row.id)
            if target is None or row.id not in waits:
                keep.append(row)
                continue
            earlier = self.moved.get(conversation_of(target))
            if earlier is not None and earlier > row.due_at:
                row.due_at = earlier  # behind the moved earlier message: same due, later id
            elif waits[row.id] == 0:
                keep.append(row)
            else:
                self.move(row, target, now, waits[row.id])
        return keep

    def move(self, row: OutboxMessage, target: Target, now: datetime, wait: float | None = None) -> None:
        """Move a row to its next free slot (after `wait`)."""
        row.due_at = now + timedelta(seconds=self.limits.slot(target, wait))
        conversation = conversation_of(target)
        self.moved[conversation] = max(self.moved.get(conversation, row.due_at), row.due_at)

    def _prune(self, now: datetime) -> None:
        if self.pruned_at is not None and (now - self.pruned_at).total_seconds() < REMEMBER_SECONDS:
            return
        self.pruned_at = now
        stale = now - timedelta(seconds=REMEMBER_SECONDS)
        self.moved = {key: due for key, due in self.moved.items() if due > stale}
