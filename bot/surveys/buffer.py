"""Answers reach `survey_answers` in batches that say nothing about who gave which.

An answer is sealed (AES-GCM, under a key derived from STAFET_SURVEY_SECRET and the wave's
per-wave key, so the database alone cannot open it) and written to a buffer in a transaction
of its own, never the one that updates the person's participation row. Once the buffer holds
answers from at least k people (or when the wave closes) every buffered answer is written to
`survey_answers` in one transaction, in random order: a transaction id, a row position or an
insertion order then points at no fewer than k people.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime.errors import UserFacingError
from bot.surveys.anonymity import answer_id
from storage.models import SurveyWave
from storage.repositories.survey_buffer import AnswerBufferRepository
from storage.repositories.surveys import SurveyRepository

NONCE = 12
_random = secrets.SystemRandom()


@dataclass(frozen=True, slots=True)
class Entry:
    """One person's latest answer to one question (no value and no comment: withdrawn)."""

    token: str
    question_id: str
    department: str | None
    role: str | None
    value: int | None
    comment: str | None
    day: str  # ISO date the answer was given
    text: bool  # a free-text question: stored under its department only
    at: str  # ISO instant, so the newest of two entries for the same question wins

    @property
    def withdraws(self) -> bool:
        return self.value is None and not self.comment

    def rows(self, wave_id: int) -> list[dict[str, Any]]:
        if self.withdraws:
            return []
        rows = [_row(wave_id, self, "department", self.department, self.comment, self.token, self.day)]
        if not self.text:
            rows.append(_row(wave_id, self, "role", self.role, None, None, None))
        return rows


class Seal:
    """Seals and opens buffered entries of one wave."""

    def __init__(self, secret: str, wave: SurveyWave) -> None:
        salt = f"stafet-survey-buffer:{wave.id}:{wave.token_key or 'named'}".encode()
        self.aad = str(wave.id).encode()
        self.aead = AESGCM(hmac.new(secret.encode(), salt, hashlib.sha256).digest())

    def seal(self, entry: Entry) -> bytes:
        nonce = secrets.token_bytes(NONCE)
        return nonce + self.aead.encrypt(nonce, json.dumps(asdict(entry)).encode(), self.aad)

    def open(self, sealed: bytes) -> Entry:
        plain = self.aead.decrypt(sealed[:NONCE], sealed[NONCE:], self.aad)
        return Entry(**json.loads(plain))


async def record(session: AsyncSession, wave_id: int, secret: str, k: int, entry: Entry) -> None:
    """Put `entry` in the buffer (replacing that person's earlier one for the question), and move
    the buffer to the answers once it holds answers from k people. Its own transaction."""
    buffer = AnswerBufferRepository(session)
    wave = await buffer.lock_wave(wave_id)
    if wave is None or wave.status != "open":  # closed while this turn ran: its flush is done
        raise UserFacingError("surveys.error.closed")
    seal = Seal(secret, wave)
    held = [(row_id, seal.open(sealed)) for row_id, sealed in await buffer.sealed(wave.id)]
    same = [row_id for row_id, e in held if (e.token, e.question_id) == (entry.token, entry.question_id)]
    await buffer.drop(same)
    held = [(row_id, e) for row_id, e in held if row_id not in same]
    stored = await SurveyRepository(session).previous_answer(wave.id, entry.token, entry.question_id)
    if entry.withdraws and stored is None:
        return  # nothing written yet to take back
    row_id = answer_id()
    await buffer.add(row_id, wave.id, seal.seal(entry))
    held.append((row_id, entry))
    if len({e.token for _, e in held if not e.withdraws}) >= k:
        await _move(session, wave, held, k)


async def flush(session: AsyncSession, wave: SurveyWave, secret: str, k: int) -> None:
    """At close: whatever is buffered goes to the answers, however few people it comes from."""
    buffer = AnswerBufferRepository(session)
    await buffer.lock_wave(wave.id)  # an answer being buffered now lands before this, or fails
    seal = Seal(secret, wave)
    held = [(row_id, seal.open(sealed)) for row_id, sealed in await buffer.sealed(wave.id)]
    if held:
        await _move(session, wave, held, k)
    await buffer.forget_snapshots(wave.id)


async def _move(session: AsyncSession, wave: SurveyWave, held: list[tuple[int, Entry]], k: int) -> None:
    answers = SurveyRepository(session)
    latest: dict[tuple[str, str], Entry] = {}
    for _, entry in sorted(held, key=lambda item: item[1].at):
        latest[(entry.token, entry.question_id)] = entry
    entries = list(latest.values())
    _random.shuffle(entries)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        old = await answers.previous_answer(wave.id, entry.token, entry.question_id)
        if old is not None:
            await answers.remove_answer(old, entry.role)
        rows += entry.rows(wave.id)
    _random.shuffle(rows)
    if rows:
        await answers.add_answers(rows)
    buffer = AnswerBufferRepository(session)
    await buffer.drop([row_id for row_id, _ in held])
    await buffer.arrived(wave.id, Counter(e.question_id for e in entries), k)


def _row(
    wave_id: int,
    entry: Entry,
    dimension: str,
    group: str | None,
    comment: str | None,
    token: str | None,
    day: str | None,
) -> dict[str, Any]:
    return {
        "id": answer_id(),
        "wave_id": wave_id,
        "question_id": entry.question_id,
        "dimension": dimension,
        "grp": group,
        "value": entry.value,
        "comment": comment,
        "respondent": token,
        "answered_on": date.fromisoformat(day) if day else None,
    }
