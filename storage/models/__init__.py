"""All tables; importing this package registers every model on `Base.metadata`."""

from storage.models.campaigns import Campaign, CampaignParticipant, CampaignWave, DeliveryPreference
from storage.models.outbox import OutboxMessage
from storage.models.people import ConversationRef, Identity, Person
from storage.models.platform_events import ProcessedEvent
from storage.models.webchat import WebchatMessage

__all__ = [
    "Campaign",
    "CampaignParticipant",
    "CampaignWave",
    "DeliveryPreference",
    "ConversationRef",
    "Identity",
    "OutboxMessage",
    "Person",
    "ProcessedEvent",
    "WebchatMessage",
]
