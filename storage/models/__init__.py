"""All tables; importing this package registers every model on `Base.metadata`."""

from storage.models.learning import Enrolment, LearningItem, LearningSend, Leave, QuizAnswer
from storage.models.outbox import OutboxMessage
from storage.models.people import ConversationRef, Identity, Person
from storage.models.platform_events import ProcessedEvent
from storage.models.webchat import WebchatMessage

__all__ = [
    "ConversationRef",
    "Enrolment",
    "Identity",
    "LearningItem",
    "LearningSend",
    "Leave",
    "OutboxMessage",
    "Person",
    "ProcessedEvent",
    "QuizAnswer",
    "WebchatMessage",
]
