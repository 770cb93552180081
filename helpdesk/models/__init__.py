from helpdesk.models.access import (
    AccessLog,
    AttachmentShare,
    SupportRequestGroupObjectPermission,
    SupportRequestUserObjectPermission,
)
from helpdesk.models.api_tokens import ApiToken
from helpdesk.models.choices import (
    TERMINAL_STATES,
    Currency,
    Language,
    RequestState,
    Role,
    Sensitivity,
    StrategicPriority,
    SupportKind,
    Theme,
    Urgency,
    Visibility,
    role_label,
)
from helpdesk.models.geography import City, CityPeerConsentLog, Region, country_name, localized_name, name_key
from helpdesk.models.indicators import Indicator, IndicatorUnit, indicator_value
from helpdesk.models.intake import IntakeSession
from helpdesk.models.membership import Invitation, InvitationStatus, PeopleAction, PeopleLog, RetainedRead
from helpdesk.models.people import ExpertProfile, NotificationMode, User
from helpdesk.models.requests import Attachment, HeldFile, Message, ReferenceSequence, SupportRequest
from helpdesk.models.resource_search import ResourceSearch
from helpdesk.models.resources import (
    CONSENT_GIVEN,
    Consent,
    Resource,
    ResourceFile,
    ResourceKind,
    ResourceLog,
    ResourceState,
    ResourceVersion,
)
from helpdesk.models.workspace import ReplyTemplate, SavedView

__all__ = [
    "CONSENT_GIVEN",
    "TERMINAL_STATES",
    "AccessLog",
    "ApiToken",
    "Attachment",
    "AttachmentShare",
    "City",
    "CityPeerConsentLog",
    "Consent",
    "Currency",
    "ExpertProfile",
    "HeldFile",
    "Indicator",
    "IndicatorUnit",
    "IntakeSession",
    "Invitation",
    "InvitationStatus",
    "Language",
    "Message",
    "NotificationMode",
    "PeopleAction",
    "PeopleLog",
    "ReferenceSequence",
    "Region",
    "ReplyTemplate",
    "RequestState",
    "Resource",
    "ResourceFile",
    "ResourceKind",
    "ResourceLog",
    "ResourceSearch",
    "ResourceState",
    "ResourceVersion",
    "RetainedRead",
    "Role",
    "SavedView",
    "Sensitivity",
    "StrategicPriority",
    "SupportKind",
    "SupportRequest",
    "SupportRequestGroupObjectPermission",
    "SupportRequestUserObjectPermission",
    "Theme",
    "Urgency",
    "User",
    "Visibility",
    "country_name",
    "indicator_value",
    "localized_name",
    "name_key",
    "role_label",
]
