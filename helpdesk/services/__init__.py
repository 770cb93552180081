"""Writes of the help desk's domain data. Lifecycle moves live in ``workflows.services``.

Every function takes keyword-only arguments, checks the actor with ``helpdesk.access.can``, cleans and
screens user-written text on the way in, and leaves an ``AccessLog`` row for what matters to access.
Import from here (``from helpdesk.services import message_post``); the submodules are an implementation
detail: ``core`` (roles, references), ``requests`` (intake, drafts, owner), ``messages`` (messages and
files), ``grants`` (restricted release, access log, expert grants).
"""

from helpdesk.attachments import AttachmentRefused
from helpdesk.screening import PersonalDataFound
from helpdesk.services.core import reference_allocate, reference_format, roles_ensure, user_set_roles
from helpdesk.services.grants import (
    Reveal,
    ShareRefused,
    access_log_record,
    access_log_reveals,
    attachment_share,
    attachment_share_revoke,
    expert_access_grant,
    expert_access_revoke,
    expert_grants_remove,
    group_grants_remove,
    restricted_release,
)
from helpdesk.services.messages import attachment_add, message_post
from helpdesk.services.requests import (
    UNSET,
    OwnerRefused,
    RequestNotEditable,
    request_create,
    request_set_owner,
    request_update_draft,
)

__all__ = [
    "UNSET",
    "AttachmentRefused",
    "OwnerRefused",
    "PersonalDataFound",
    "RequestNotEditable",
    "Reveal",
    "ShareRefused",
    "access_log_record",
    "access_log_reveals",
    "attachment_add",
    "attachment_share",
    "attachment_share_revoke",
    "expert_access_grant",
    "expert_access_revoke",
    "expert_grants_remove",
    "group_grants_remove",
    "message_post",
    "reference_allocate",
    "reference_format",
    "request_create",
    "request_set_owner",
    "request_update_draft",
    "restricted_release",
    "roles_ensure",
    "user_set_roles",
]
