"""Import every feature's models so SQLAlchemy and Alembic see the whole schema."""

from __future__ import annotations

from survey.api.models import ApiKey
from survey.auth.models import Role, User
from survey.contacts.models import Contact, Team
from survey.distribution.models import (
    Invitation,
    InvitationOrigin,
    InvitationStatus,
    Touchpoint,
    TouchpointSource,
)
from survey.insights.models import (
    AgentRollup,
    AnswerEnrichment,
    AnswerPhrase,
    DailyRollup,
    InsightJob,
    InsightMark,
    PhraseRollup,
)
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind, Survey, SurveyStatus
from survey.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AgentRollup",
    "AnswerEnrichment",
    "AnswerPhrase",
    "DailyRollup",
    "InsightJob",
    "InsightMark",
    "PhraseRollup",
    "ApiKey",
    "DeliveryStatus",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Answer",
    "Contact",
    "Invitation",
    "InvitationOrigin",
    "InvitationStatus",
    "Question",
    "QuestionKind",
    "Response",
    "Role",
    "Survey",
    "SurveyStatus",
    "Team",
    "Touchpoint",
    "TouchpointSource",
    "User",
]
