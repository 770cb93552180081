"""What every page's layout needs: the signed-in person's navigation and the language switcher."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import ResolverMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# One entry per role, in the order they appear; a person with several roles sees each role's pages.
ROLE_NAV: dict[str, list[NavItem]] = {
    Role.FOCAL_POINT: [NavItem("city-home", _("Our requests")), NavItem("request-new", _("New request"))],
    Role.HUB_STAFF: [
        NavItem("hub-queue", _("Queue")),
        NavItem("hub-needs", _("Needs map")),
    ],
    Role.EXPERT: [NavItem("expert-inbox", _("My assignments"))],
    Role.MANAGEMENT: [
        NavItem("fund-queue", _("Fund applications")),
        NavItem("overview", _("Hubs overview")),
        NavItem("hub-queue", _("All requests")),
        NavItem("hub-needs", _("Needs map")),
        NavItem("steering", _("Figures")),
        NavItem("reports", _("Reports")),
    ],
    Role.STEERING: [NavItem("steering", _("Figures")), NavItem("reports", _("Reports"))],
}
# Every role reads the resource hub: after the role's own pages.
SHARED_NAV = [NavItem("resource-list", _("Resources"))]

# The people pages' entries follow ``can``, not a role: a hub's staff and the management unit read people and the
# expert pool, every signed-in person the city directory; after the roles' own pages, before the resource hub.
PEOPLE_NAV = (
    ("view_people", NavItem("people", _("People"))),
    ("view_expert_pool", NavItem("expert-pool", _("Experts"))),
    ("view_city_directory", NavItem("city-directory", _("Cities"))),
)

# The language switcher shows each language in its own name, so a lost reader finds theirs.
LANGUAGE_SELF_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}


def desk(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    nav: list[NavItem] = []
    pending = getattr(request, "second_step_pending", False)
    if user is not None and user.is_authenticated and not pending:
        seen: set[str] = set()
        for role in user.role_names:
            for item in ROLE_NAV.get(role, []):
                if item.url_name not in seen:
                    seen.add(item.url_name)
                    nav.append(item)
        if user.role_names:
            # The roles are read once per request (``User.roles``): these answers cost no query.
            nav += [item for action, item in PEOPLE_NAV if can(user, action)]
            nav += SHARED_NAV
    match: ResolverMatch | None = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    return {
        "desk_nav": nav,
        "desk_second_step_pending": pending,
        "desk_current": current,
        "desk_languages": [(code, LANGUAGE_SELF_NAMES.get(code, code)) for code, _name in settings.LANGUAGES],
    }
