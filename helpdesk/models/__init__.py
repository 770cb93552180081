from helpdesk.models.access import (
    AccessLog,
    AttachmentShare,
    SupportRequestGroupObjectPermission,
    SupportRequestUserObjectPermission,
)
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
)
from helpdesk.models.geography import City, Region, country_name, localized_name, name_key
from helpdesk.models.indicators import Indicator, IndicatorUnit, indicator_value
from helpdesk.models.people import ExpertProfile, NotificationMode, User
from helpdesk.models.requests import Attachment, HeldFile, Message, ReferenceSequence, SupportRequest
from helpdesk.models.workspace import ReplyTemplate, SavedView

__all__ = [
    "TERMINAL_STATES",
    "AccessLog",
    "Attachment",
    "AttachmentShare",
    "City",
    "Currency",
    "ExpertProfile",
    "HeldFile",
    "Indicator",
    "IndicatorUnit",
    "Language",
    "Message",
    "NotificationMode",
    "ReferenceSequence",
    "Region",
    "ReplyTemplate",
    "RequestState",
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
]
