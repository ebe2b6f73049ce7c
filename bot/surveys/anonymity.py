"""What keeps anonymous answers anonymous: tokens, group generalisation and suppression.

- A respondent token is an HMAC of (wave, person) keyed with a random per-wave key (kept in the
  database only while the wave is open, erased at close) and the server's STAFET_SURVEY_SECRET.
  It lets a person change an answer until close; at close every token is set to NULL.
- A department or role smaller than k in the wave's audience is stored as NULL, so no stored
  group label narrows an answer down to fewer than k people.
- A shown cell needs at least k answers, and whatever is hidden within its parent must total 0
  or at least k, so subtracting visible groups from the parent never reveals a hidden group.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

COMMENT_MIN_GROUP = 10


def new_key() -> str:
    return secrets.token_hex(32)


def respondent_token(key: str | None, pepper: str, wave_id: int, person_id: int) -> str:
    """Anonymous waves: an HMAC nobody can recompute without both keys; named waves: the person."""
    if key is None:
        return f"person:{person_id}"
    secret = bytes.fromhex(key) + pepper.encode()
    return hmac.new(secret, f"{wave_id}:{person_id}".encode(), hashlib.sha256).hexdigest()


def answer_id() -> int:
    """A random row id, so the order answers arrived in cannot be read from the ids."""
    return secrets.randbits(62) + 1


def visible_groups(counts: Mapping[str | None, int], parent: int, k: int) -> set[str]:
    """The groups that may be shown: each ≥ k, and the hidden remainder 0 or ≥ k (complement rule)."""
    if parent < k:
        return set()
    visible = {g for g, n in counts.items() if g is not None and n >= k}
    while visible:
        hidden = parent - sum(counts[g] for g in visible)
        if hidden == 0 or hidden >= k:
            break
        visible.remove(min(visible, key=lambda g: (counts[g], g)))
    return visible


def comments_allowed(n: int, k: int) -> bool:
    return n >= max(COMMENT_MIN_GROUP, k)
