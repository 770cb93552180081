"""Writes of the help desk's domain data. Lifecycle moves live in ``workflows.services``.

Every function takes keyword-only arguments, checks the actor with ``helpdesk.access.can``, cleans and
screens user-written text on the way in, and leaves an ``AccessLog`` row for what matters to access.
Import from here (``from helpdesk.services import message_post``); the submodules are an implementation
detail: ``core`` (roles, references), ``requests`` (intake, drafts, owner), ``messages`` (messages and
their files), ``files`` (files kept across a failed form, attached once, removed from a draft),
``grants`` (restricted release, access log, expert grants), ``workspace`` (saved views,
reply templates, owners of many requests), ``resources`` (the resource hub), ``intake``
(the new-request form's deflection counts).
"""

from helpdesk.attachments import AttachmentRefused
from helpdesk.screening import PersonalDataFound
from helpdesk.services.api_tokens import api_token_authenticate, api_token_create, api_token_revoke
from helpdesk.services.core import reference_allocate, reference_format, roles_ensure, user_set_roles
from helpdesk.services.files import (
    attachments_store,
    draft_file_remove,
    draft_files_attach,
    held_file_add,
    held_file_discard,
    uploads_inspect,
)
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
from helpdesk.services.intake import intake_filed, intake_opened, intake_shown
from helpdesk.services.messages import attachment_add, message_post
from helpdesk.services.peers import city_peer_contact_set
from helpdesk.services.requests import (
    UNSET,
    OwnerRefused,
    RequestNotEditable,
    request_create,
    request_set_owner,
    request_update_draft,
)
from helpdesk.services.resource_sources import (
    city_named_in,
    city_stays_anonymous,
    resource_anonymity_check,
    resource_consent_answer,
    resource_consent_ask,
)
from helpdesk.services.resources import (
    resource_archive,
    resource_create,
    resource_file_add,
    resource_file_remove,
    resource_log,
    resource_publish,
    resource_return,
    resource_submit,
    resource_update,
    resource_version_save,
)
from helpdesk.services.workspace import (
    MAX_BULK,
    BulkOwnerResult,
    may_manage_templates,
    reply_template_delete,
    reply_template_save,
    requests_owner_bulk_set,
    saved_view_create,
    saved_view_delete,
)

__all__ = [
    "MAX_BULK",
    "UNSET",
    "AttachmentRefused",
    "BulkOwnerResult",
    "OwnerRefused",
    "PersonalDataFound",
    "RequestNotEditable",
    "Reveal",
    "ShareRefused",
    "access_log_record",
    "access_log_reveals",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "attachment_add",
    "attachment_share",
    "attachment_share_revoke",
    "attachments_store",
    "city_named_in",
    "city_peer_contact_set",
    "city_stays_anonymous",
    "draft_file_remove",
    "draft_files_attach",
    "expert_access_grant",
    "expert_access_revoke",
    "expert_grants_remove",
    "group_grants_remove",
    "held_file_add",
    "held_file_discard",
    "intake_filed",
    "intake_opened",
    "intake_shown",
    "may_manage_templates",
    "message_post",
    "reference_allocate",
    "reference_format",
    "reply_template_delete",
    "reply_template_save",
    "request_create",
    "request_set_owner",
    "request_update_draft",
    "requests_owner_bulk_set",
    "resource_anonymity_check",
    "resource_archive",
    "resource_consent_answer",
    "resource_consent_ask",
    "resource_create",
    "resource_file_add",
    "resource_file_remove",
    "resource_log",
    "resource_publish",
    "resource_return",
    "resource_submit",
    "resource_update",
    "resource_version_save",
    "restricted_release",
    "roles_ensure",
    "saved_view_create",
    "saved_view_delete",
    "uploads_inspect",
    "user_set_roles",
]
