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
from helpdesk.models.geography import City, Region
from helpdesk.models.people import ExpertProfile, NotificationMode, User
from helpdesk.models.requests import Attachment, Message, ReferenceSequence, SupportRequest

__all__ = [
    "TERMINAL_STATES",
    "AccessLog",
    "Attachment",
    "AttachmentShare",
    "City",
    "Currency",
    "ExpertProfile",
    "Language",
    "Message",
    "NotificationMode",
    "ReferenceSequence",
    "Region",
    "RequestState",
    "Role",
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
]
