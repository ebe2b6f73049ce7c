"""Every feature's personal data, in one explicit list (the profile first)."""

from __future__ import annotations

from bot.admin.privacy import campaigns, foundation, learning, provisioning, questions, surveys
from bot.admin.privacy.registry import PersonalData

SECTIONS: tuple[PersonalData, ...] = (
    *foundation.SECTIONS,
    *learning.SECTIONS,
    *surveys.SECTIONS,
    *questions.SECTIONS,
    *campaigns.SECTIONS,
    *provisioning.SECTIONS,
)
