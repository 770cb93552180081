from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk import access
from helpdesk.kept_lists import hub_lists_forget
from helpdesk.models import (
    AccessLog,
    ApiToken,
    Attachment,
    AttachmentShare,
    City,
    CityPeerConsentLog,
    ExpertPeriod,
    ExpertProfile,
    HubClosure,
    Indicator,
    Invitation,
    Message,
    PeopleLog,
    Region,
    ReplyTemplate,
    Resource,
    ResourceFile,
    ResourceLog,
    ResourceVersion,
    RetainedRead,
    SavedView,
    SupportRequest,
    User,
)
from helpdesk.services.cities import city_country_followed


class ForgetsKeptLists(admin.ModelAdmin):
    """Hubs, cities and people changed here (rather than through the desk's services) drop every hub's kept lists
    (``helpdesk.kept_lists``) when the change commits: the admin's form may change any of what they hold."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        hub_lists_forget(everywhere=True)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        hub_lists_forget(everywhere=True)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        hub_lists_forget(everywhere=True)


@admin.register(Region)
class RegionAdmin(ForgetsKeptLists):
    list_display = ["code", "name", "name_fr", "name_ar", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "name_fr", "name_ar"]
    # The three names side by side: each page shows the one in its reader's language (English if empty).
    # The hub's calendar (time zone, working week, closure days) is kept on its own page (/hubs/<id>/calendar/).
    fields = ["code", ("name", "name_fr", "name_ar"), "languages", "is_active"]


class ManagedByManagement(admin.ModelAdmin):
    """A catalogue the management unit keeps itself (with admin access, without model permissions): it may
    view, add and change rows; nothing is deleted, since requests and reports refer to them (retire instead)."""

    def _management(self, request: HttpRequest) -> bool:
        return access.is_management(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._management(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._management(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._management(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._management(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Indicator)
class IndicatorAdmin(ManagedByManagement):
    list_display = ["code", "name", "priority", "unit", "higher_is_better", "is_active", "position"]
    list_filter = ["priority", "unit", "is_active"]
    search_fields = ["code", "name", "name_fr", "name_ar"]
    list_editable = ["position"]
    # Each text in the three languages side by side: pages show the reader's (English where one is missing).
    fields = [
        ("code", "priority"),
        ("name", "name_fr", "name_ar"),
        "definition",
        "definition_fr",
        "definition_ar",
        ("unit", "higher_is_better"),
        ("is_active", "position"),
    ]


class SuperuserOnly(admin.ModelAdmin):
    """The network's people and cities are kept on the desk's own pages (invitations, city records, the expert
    pool, handover: ``/people/``, ``/cities/``, ``/experts/``), where every rule is ``can`` and every change is in
    the people log. The admin's copy is a superuser's repair tool only, whatever model permissions a staff
    account was given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)


class AppendOnly(SuperuserOnly):
    """A record of what happened (the people log): read by a superuser, never written here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(City)
class CityAdmin(ForgetsKeptLists, SuperuserOnly):
    list_display = ["name", "country", "region", "is_member", "anonymous_to_experts"]
    # Countries are ISO codes, listed and chosen by their name in the reader's language.
    list_filter = ["region", "country", "is_member", "anonymous_to_experts"]
    search_fields = ["name", "country"]
    list_select_related = ["region"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # A new country moves the city's requests in the figures kept per country, as the desk's own edit does
        # (``helpdesk.services.cities.city_update``), in the same transaction as the row.
        with transaction.atomic():
            before = City.objects.select_for_update().filter(pk=obj.pk).values_list("country", flat=True).first()
            super().save_model(request, obj, form, change)
            if before is not None:
                city_country_followed(city=obj, before=before)


@admin.register(User)
class UserAdmin(ForgetsKeptLists, SuperuserOnly, DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "region", "is_active"]
    list_filter = ["groups", "region", "is_active", "is_staff"]
    list_select_related = ["region"]
    filter_horizontal = ["groups", "user_permissions", "cities", "tied_cities"]
    # Django's UserAdmin declares its fieldsets; django-stubs types ModelAdmin's as optional.
    assert DjangoUserAdmin.fieldsets is not None
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Desk"),
            {
                "fields": (
                    "preferred_language",
                    "notification_mode",
                    "phone",
                    "organisation",
                    "cities",
                    "region",
                    "is_hub_lead",
                    "time_zone",
                    "tied_cities",
                )
            },
        ),
    )


@admin.register(ExpertProfile)
class ExpertProfileAdmin(SuperuserOnly):
    list_display = ["user", "availability", "vetting_status", "max_concurrent_assignments"]
    list_filter = ["availability", "vetting_status", "regions"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "bio"]
    list_select_related = ["user"]
    filter_horizontal = ["regions", "conflict_cities"]


@admin.register(ExpertPeriod)
class ExpertPeriodAdmin(SuperuserOnly):
    list_display = ["expert", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    list_select_related = ["expert"]
    raw_id_fields = ["expert"]
    filter_horizontal = ["regions"]


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnly):
    list_display = ["email", "role", "city", "region", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "region"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["city", "region", "invited_by"]
    # The nonce makes the link: never shown, never typed.
    exclude = ["nonce"]
    raw_id_fields = ["invited_by", "existing_user", "accepted_by", "revoked_by", "city"]


@admin.register(PeopleLog)
class PeopleLogAdmin(AppendOnly):
    list_display = ["created_at", "action", "actor", "person", "city", "region"]
    list_filter = ["action", "region"]
    list_select_related = ["actor", "person", "city", "region"]


@admin.register(RetainedRead)
class RetainedReadAdmin(SuperuserOnly):
    list_display = ["user", "request", "granted_by", "created_at"]
    list_select_related = ["user", "request", "granted_by"]
    raw_id_fields = ["user", "request", "granted_by"]


@admin.register(HubClosure)
class HubClosureAdmin(SuperuserOnly):
    list_display = ["region", "day", "name"]
    list_filter = ["region"]
    list_select_related = ["region"]
    raw_id_fields = ["created_by"]


class ReadOnlyStateMixin(admin.ModelAdmin):
    """The lifecycle state moves only through ``workflows.services.transition_perform``, never from the admin.

    A ModelAdmin itself, so that ``super()`` is known to reach ModelAdmin's method.
    """

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "state"]


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyStateMixin, admin.ModelAdmin):
    list_display = ["reference", "title", "city", "region", "state", "owner", "due_at", "created_at"]
    list_filter = ["state", "region", "theme", "kind", "sensitivity", "language"]
    search_fields = ["reference", "title"]
    list_select_related = ["city", "region", "owner"]
    raw_id_fields = ["city", "submitted_by", "owner"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = ["reference", "region", "submitted_at", "closed_at", "due_at", "created_at", "updated_at"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["request", "author", "visibility", "sensitivity", "created_at"]
    list_filter = ["visibility", "sensitivity"]
    search_fields = ["request__reference"]
    list_select_related = ["request", "author"]
    raw_id_fields = ["request", "author"]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "request", "content_type", "size", "visibility", "sensitivity", "created_at"]
    list_filter = ["visibility", "sensitivity", "content_type"]
    search_fields = ["original_name", "request__reference"]
    list_select_related = ["request"]
    raw_id_fields = ["request", "message", "uploaded_by"]
    readonly_fields = ["file", "size", "content_type", "sha256"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Append-only record of who opened restricted content: readable, never editable."""

    list_display = ["created_at", "user", "action", "request", "subject", "message", "attachment", "ip_address"]
    list_filter = ["action"]
    search_fields = ["request__reference", "user__username", "subject__username"]
    list_select_related = ["user", "request", "attachment", "subject", "message"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLog | None = None) -> bool:
        return False


@admin.register(CityPeerConsentLog)
class CityPeerConsentLogAdmin(admin.ModelAdmin):
    """Append-only record of the themes each city agreed to be contacted on: readable, never editable."""

    list_display = ["created_at", "city", "actor", "themes_before", "themes"]
    list_filter = ["city__region"]
    search_fields = ["city__name", "actor__username"]
    list_select_related = ["city", "actor"]
    raw_id_fields = ["city", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CityPeerConsentLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CityPeerConsentLog | None = None) -> bool:
        return False


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "region", "query", "created_at"]
    list_filter = ["region"]
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner", "region"]
    raw_id_fields = ["owner"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "created_by", "updated_at"]
    list_filter = ["region"]
    search_fields = ["title", "body_en", "body_fr", "body_ar"]
    list_select_related = ["region", "created_by"]
    raw_id_fields = ["created_by"]


@admin.register(AttachmentShare)
class AttachmentShareAdmin(admin.ModelAdmin):
    """City files shared with experts: readable; shared and revoked from the request page (the access log
    records each), never edited here."""

    list_display = ["attachment", "expert", "shared_by", "shared_at", "revoked_at"]
    list_select_related = ["attachment", "expert", "shared_by"]
    search_fields = ["attachment__request__reference", "expert__username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    """Resources are written, reviewed and published on their own pages (through the services, with their
    history); the admin shows them for support, and changes nothing."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ResourceVersionInline(_ReadOnlyInline):
    model = ResourceVersion
    fields = ["language", "title", "translated_from", "written_by", "written_at"]


class ResourceFileInline(_ReadOnlyInline):
    model = ResourceFile
    fields = ["original_name", "size", "content_type", "language", "uploaded_by", "created_at"]


class ResourceLogInline(_ReadOnlyInline):
    model = ResourceLog
    fields = ["created_at", "actor", "action", "from_state", "to_state"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "state", "region", "consent", "published_at"]
    list_filter = ["state", "kind", "consent", "region"]
    search_fields = ["slug", "versions__title"]
    readonly_fields = [field.name for field in Resource._meta.fields]
    inlines = [ResourceVersionInline, ResourceFileInline, ResourceLogInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who has which API token (never the key: only its digest is stored); a superuser may revoke one here by
    setting its revocation time, the owner on their profile page."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    exclude = ["key_digest"]
    readonly_fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
