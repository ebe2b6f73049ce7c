"""All tables; importing this package registers every model on `Base.metadata`."""

from storage.models.outbox import OutboxMessage
from storage.models.people import ConversationRef, Identity, Person
from storage.models.platform_events import ProcessedEvent
from storage.models.questions import Ambassador, FaqEntry, Question, QuestionMessage
from storage.models.webchat import WebchatMessage

__all__ = [
    "Ambassador",
    "FaqEntry",
    "Question",
    "QuestionMessage",
    "ConversationRef",
    "Identity",
    "OutboxMessage",
    "Person",
    "ProcessedEvent",
    "WebchatMessage",
]
