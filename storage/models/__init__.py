"""All tables; importing this package registers every model on `Base.metadata`."""

from storage.models.admin import AdminToken, AuditEntry
from storage.models.campaigns import Campaign, CampaignParticipant, CampaignWave, DeliveryPreference
from storage.models.home_views import SlackHomeView
from storage.models.learning import Enrolment, LearningItem, LearningSend, Leave, QuizAnswer, TransferCheck
from storage.models.outbox import OutboxMessage, RateBucket
from storage.models.people import ConversationRef, Identity, Person
from storage.models.platform_events import ProcessedEvent
from storage.models.provisioning import ProvisionedAccount
from storage.models.questions import Ambassador, FaqAlias, FaqEntry, Question, QuestionMessage
from storage.models.reach import AppInstall, DirectoryCursor
from storage.models.slack import slack_bots, slack_installations, slack_oauth_states
from storage.models.slack_inbox import SlackInboxEntry
from storage.models.surveys import (
    SurveyAnswer,
    SurveyAnswerBuffer,
    SurveyCell,
    SurveyExposure,
    SurveyParticipation,
    SurveySnapshot,
    SurveyTurnout,
    SurveyWave,
)
from storage.models.webchat import WebchatMessage

__all__ = [
    "AdminToken",
    "AppInstall",
    "Ambassador",
    "AuditEntry",
    "Campaign",
    "CampaignParticipant",
    "CampaignWave",
    "ConversationRef",
    "DeliveryPreference",
    "DirectoryCursor",
    "Enrolment",
    "FaqAlias",
    "FaqEntry",
    "Identity",
    "LearningItem",
    "LearningSend",
    "Leave",
    "OutboxMessage",
    "Person",
    "ProcessedEvent",
    "ProvisionedAccount",
    "Question",
    "QuestionMessage",
    "QuizAnswer",
    "RateBucket",
    "SlackHomeView",
    "SlackInboxEntry",
    "SurveyAnswer",
    "SurveyAnswerBuffer",
    "SurveyCell",
    "SurveyExposure",
    "SurveyParticipation",
    "SurveySnapshot",
    "SurveyTurnout",
    "SurveyWave",
    "TransferCheck",
    "WebchatMessage",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]
