from django.urls import include, path, register_converter

from web.converters import IdConverter, ReferenceConverter
from web.views import (
    account,
    api_tokens,
    cities,
    city,
    core,
    expert,
    experts,
    exports,
    files,
    hub,
    hubs,
    incidents,
    intake,
    invitations,
    management,
    needs,
    notifications,
    peers,
    people,
    person,
    publishing,
    replies,
    reports,
    requests,
    resources,
    shares,
    steering,
    two_factor,
)

# A request's reference in a URL is one by its pattern (``web.converters``): anything else is a 404 before a query.
register_converter(ReferenceConverter, "ref")
# A row's id in a URL is at most 18 ASCII digits (``web.converters.IdConverter``): a longer one is a 404.
register_converter(IdConverter, "id")

# The notification centre and a request's watchers, under their own namespace ("notifications:list"): e-mails
# link to it.
notification_patterns = (
    [
        path("", notifications.notification_list, name="list"),
        path("<id:pk>/open/", notifications.notification_open, name="open"),
        path("<id:pk>/read/", notifications.notification_read, name="read"),
        path("read-all/", notifications.notification_read_all, name="read-all"),
        path("requests/<ref:reference>/watchers/", notifications.request_watchers, name="watchers"),
        path("requests/<ref:reference>/watchers/manage/", notifications.request_watchers_page, name="watchers-page"),
    ],
    "notifications",
)

urlpatterns = [
    path("", core.home, name="home"),
    # The REST API and its documentation (web/api), namespace "api".
    path("api/v1/", include("web.api.urls")),
    path("notifications/", include(notification_patterns)),
    path("healthz", core.healthz, name="healthz"),
    path("readyz", core.readyz, name="readyz"),
    path("attachments/<id:pk>/", files.attachment_download, name="attachment-download"),
    path("exports/requests.csv", exports.queue_export, name="queue-export"),
    # Account
    path("accounts/login/", account.login, name="login"),
    path("accounts/logout/", account.logout, name="logout"),
    path("accounts/password-reset/", account.password_reset, name="password-reset"),
    path("accounts/password-reset/sent/", account.password_reset_done, name="password-reset-done"),
    path("accounts/reset/<uidb64>/<token>/", account.password_reset_confirm, name="password-reset-confirm"),
    path("accounts/reset/done/", account.password_reset_complete, name="password-reset-complete"),
    path("accounts/password/", account.password_change, name="password-change"),
    path("accounts/password/done/", account.password_change_done, name="password-change-done"),
    path("accounts/profile/", account.profile, name="profile"),
    path("accounts/api-tokens/", api_tokens.api_tokens, name="api-tokens"),
    path("accounts/api-tokens/<id:pk>/revoke/", api_tokens.api_token_revoke_view, name="api-token-revoke"),
    path("accounts/two-factor/", two_factor.manage, name="two-factor"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("accounts/two-factor/codes/", two_factor.codes, name="two-factor-codes"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path("accounts/two-factor/recovery/", two_factor.recovery, name="two-factor-recovery"),
    path("accounts/two-factor/remove/", two_factor.remove, name="two-factor-remove"),
    path("accounts/two-factor/codes/new/", two_factor.regenerate, name="two-factor-regenerate"),
    path("language/", account.set_language, name="set-language"),
    # City focal points
    path("city/", city.home, name="city-home"),
    path("requests/new/", city.new_request, name="request-new"),
    # After an incident: the short form that files on the fast track ("incident" is no reference: too short)
    path("requests/incident/", incidents.incident_new, name="request-incident"),
    path("requests/new/suggestions/", intake.suggestions, name="intake-suggestions"),
    path("requests/new/suggestions/open/", intake.suggestion_open, name="intake-suggestion-open"),
    path("requests/<ref:reference>/edit/", city.edit_draft, name="request-edit"),
    path("city/peer-exchange/", peers.peer_exchange, name="city-peer-exchange"),
    path("introductions/<id:pk>/", peers.introduction_detail, name="introduction-detail"),
    path("introductions/<id:pk>/withdraw/", peers.introduction_withdraw_view, name="introduction-withdraw"),
    # The network's cities: the directory, membership gaps, a city's record ("new" and "gaps" before a record)
    path("cities/", cities.directory, name="city-directory"),
    path("cities/gaps/", cities.gaps, name="city-gaps"),
    path("cities/new/", cities.new, name="city-new"),
    path("cities/<id:pk>/", cities.detail, name="city-detail"),
    path("cities/<id:pk>/edit/", cities.edit, name="city-edit"),
    path("cities/<id:pk>/anonymity/", cities.anonymity, name="city-anonymity"),
    # Every role's request page and its posts
    path("requests/<ref:reference>/", requests.detail, name="request-detail"),
    path("requests/<ref:reference>/moves/<slug:name>/", requests.move, name="request-move"),
    path("requests/<ref:reference>/messages/", requests.post_message, name="request-message"),
    path("requests/<ref:reference>/messages/preview/", requests.preview_message, name="request-message-preview"),
    path("requests/<ref:reference>/owner/", requests.set_owner, name="request-owner"),
    path("requests/<ref:reference>/release/", requests.release, name="request-release"),
    # "Publish what was learned": the draft resource from a closed request, and the city's consent to it
    path("requests/<ref:reference>/publish/", publishing.request_publish, name="request-publish"),
    path("resources/<slug:slug>/consent/", publishing.resource_consent, name="resource-consent"),
    path("requests/<ref:reference>/files/<id:pk>/share/", shares.share, name="request-file-share"),
    path("requests/<ref:reference>/shares/<id:pk>/end/", shares.unshare, name="request-file-unshare"),
    # Hub staff
    path("hub/queue/", hub.queue, name="hub-queue"),
    path("hub/queue/owner/", hub.queue_bulk_owner, name="queue-bulk-owner"),
    path("hub/queue/views/", hub.saved_view_create, name="saved-view-create"),
    path("hub/queue/views/<id:pk>/delete/", hub.saved_view_delete, name="saved-view-delete"),
    path("hub/needs/", needs.needs, name="hub-needs"),
    path("hub/needs/export.csv", needs.needs_csv, name="hub-needs-csv"),
    path("hub/needs/export.xlsx", needs.needs_xlsx, name="hub-needs-xlsx"),
    path("hub/templates/", replies.template_list, name="reply-templates"),
    path("hub/templates/new/", replies.template_edit, name="reply-template-new"),
    path("hub/templates/<id:pk>/", replies.template_edit, name="reply-template-edit"),
    path("hub/templates/<id:pk>/delete/", replies.template_delete, name="reply-template-delete"),
    path("requests/<ref:reference>/experts/", hub.matching, name="request-matching"),
    path("requests/<ref:reference>/peers/", peers.request_peers, name="request-peers"),
    # The network's people: a person's page, deactivating them, a city's focal point handover
    path("people/<id:pk>/", person.person_detail, name="person-detail"),
    path("people/<id:pk>/deactivate/", person.person_deactivate_view, name="person-deactivate"),
    path("people/<id:pk>/reactivate/", person.person_reactivate_view, name="person-reactivate"),
    path("cities/<id:pk>/handover/", person.city_handover, name="city-handover"),
    # Invitations (hub leads and the management unit; hub staff nominate experts) and the invitee's link
    path("people/invite/", invitations.invite, name="people-invite"),
    path("people/invitations/", invitations.invitation_list, name="people-invitations"),
    path("people/invitations/<id:pk>/resend/", invitations.invitation_resend_view, name="invitation-resend"),
    path("people/invitations/<id:pk>/revoke/", invitations.invitation_revoke_view, name="invitation-revoke"),
    path("invitations/<str:token>/", invitations.invitation_accept_view, name="invitation-accept"),
    # Experts
    path("expert/", expert.inbox, name="expert-inbox"),
    path("expert/profile/", experts.expert_profile_edit, name="expert-profile-edit"),
    # An expert's own leave and standby periods (no expert id: only their own)
    path("expert/availability/", experts.expert_availability, name="expert-availability"),
    path("expert/availability/leave/", experts.expert_period_new, {"kind": "leave"}, name="expert-leave-add"),
    path("expert/availability/standby/", experts.expert_period_new, {"kind": "standby"}, name="expert-standby-add"),
    path("expert/availability/<id:pk>/remove/", experts.expert_period_delete, name="expert-period-remove"),
    # The expert pool (hub staff and the management unit): an expert's address is their user id
    path("experts/", experts.expert_pool_page, name="expert-pool"),
    path("experts/<id:pk>/", experts.expert_detail, name="expert-detail"),
    path("experts/<id:pk>/vetting/", experts.expert_vetting, name="expert-vetting"),
    path("experts/<id:pk>/conflicts/reviewed/", experts.expert_conflicts_reviewed, name="expert-conflicts-review"),
    # Management unit
    path("fund/", management.fund_queue, name="fund-queue"),
    path("overview/", management.overview, name="overview"),
    path("requests/<ref:reference>/access-log/", management.access_log, name="request-access-log"),
    # Steering committee
    path("figures/", steering.figures, name="steering"),
    # Reports (the steering committee and the management unit)
    path("reports/", reports.index, name="reports"),
    path("reports/annual/<id:year>/", reports.annual, name="report-annual"),
    path("reports/grants/<slug:source>/<id:year>/", reports.grants, name="report-grants"),
    # The resource hub (every role; "new" before a resource's address)
    path("resources/", resources.resource_list, name="resource-list"),
    path("resources/new/", resources.resource_new, name="resource-new"),
    path("resources/<slug:slug>/", resources.resource_detail, name="resource-detail"),
    path("resources/<slug:slug>/edit/", resources.resource_edit, name="resource-edit"),
    path("resources/<slug:slug>/versions/<slug:language>/", resources.resource_version, name="resource-version"),
    path("resources/<slug:slug>/files/<id:pk>/", resources.resource_file, name="resource-file"),
    path("resources/<slug:slug>/review/", resources.resource_review, name="resource-review"),
    # The network's people (hub staff: their region's; the management unit: everyone)
    path("people/", people.people_list, name="people"),
    # A hub's calendar (time zone, working week, closure days): its staff read it, its lead and the MU keep it.
    path("hubs/<id:pk>/calendar/", hubs.calendar, name="hub-calendar"),
    path("hubs/<id:pk>/calendar/closures/", hubs.closure_add, name="hub-closure-add"),
    path("hubs/<id:pk>/calendar/closures/<id:closure_pk>/remove/", hubs.closure_remove, name="hub-closure-remove"),
]
