"""The browser story: a hub publishes what was learned from a closed request, with the city's consent.

Hub staff open the closed request, start "publish what was learned" (the draft prefilled from its shareable
summary and outcomes), save it; the city's focal point reads exactly what would be published and answers that
it may be, without naming the city; the hub sends it to review and someone of the management unit (not its author)
publishes it on the review page. Every page is looked at in English, French and Arabic, at 1366 and 390 px,
with axe-core's serious and critical findings.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from helpdesk import services
from helpdesk.models import Consent, Resource, ResourceState
from tests.browser.people import Actor
from tests.publishing_world import CITY_NAME, build, everything_about, leaks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = (
    "The city trained 40 municipal staff to spot early signs of hate speech and to refer people to local "
    "services. A multi-agency group now meets every month."
)


def test_a_hub_publishes_from_a_closed_request_with_the_citys_consent(chromium, live_server, artifacts):
    world = build(language="en")
    type(world.request).objects.filter(pk=world.request.pk).update(summary=SUMMARY)
    request_url = world.request.get_absolute_url()
    publish_url = reverse("request-publish", kwargs={"reference": world.request.reference})
    problems: dict[str, Any] = {}

    hub = Actor(chromium, live_server.url, world.hub.username)
    hub.sign_in()
    for language in ("en", "fr", "ar"):
        hub.choose_language(language)
        hub.go(request_url)
        assert hub.page.locator(f"a[href='{publish_url}']").count() == 1
        hub.look("publish-request-closed", artifacts, problems, language)
        hub.go(publish_url)
        assert "40 municipal staff" in hub.page.locator("#id_title").input_value()
        hub.look("publish-form", artifacts, problems, language)
    # Back in English, from the request page's button: the draft saved as prefilled, the city asked.
    hub.choose_language("en")
    hub.go(request_url)
    with hub.page.expect_navigation():
        hub.page.locator(f"a[href='{publish_url}']").click()
    with hub.page.expect_navigation():
        hub.page.locator("form[novalidate] button[type=submit]").click()
    resource = Resource.objects.get(source_request=world.request)
    consent_url = reverse("resource-consent", kwargs={"slug": resource.slug})
    assert hub.page.url.endswith(consent_url)
    assert resource.consent == Consent.ASKED
    assert leaks(everything_about(resource)) == []

    focal = Actor(chromium, live_server.url, world.focal.username)
    focal.sign_in()
    for language in ("en", "fr", "ar"):
        focal.choose_language(language)
        focal.go(consent_url)
        assert focal.page.locator("input[name=answer]").count() == 3
        focal.look("publish-consent", artifacts, problems, language)
    focal.page.locator("input[name=answer][value=anonymous]").check()
    with focal.page.expect_navigation():
        focal.page.locator("form[novalidate] button[type=submit]").click()
    resource.refresh_from_db()
    assert resource.consent == Consent.ANONYMOUS and not resource.city_named
    focal.look("publish-consent-answered", artifacts, problems, "ar")

    # The hub sees the answer, and the request page names the draft drawn from it.
    for language in ("en", "ar"):
        hub.choose_language(language)
        hub.go(request_url)
        assert hub.page.locator(f"#learned a[href='{consent_url}']").count() == 1
        hub.look("publish-request-with-draft", artifacts, problems, language)

    # The hub sends it to review from the resource's page; its author may not publish it, the management unit does.
    hub.choose_language("en")
    hub.go(resource.get_absolute_url())
    with hub.page.expect_navigation():
        hub.page.locator("form input[name=action][value=submit] ~ button").click()
    resource.refresh_from_db()
    assert resource.state == ResourceState.REVIEW
    with pytest.raises(PermissionDenied):  # its author does not review their own
        services.resource_publish(resource=resource, actor=world.hub)
    review_url = reverse("resource-review", kwargs={"slug": resource.slug})
    mu = Actor(chromium, live_server.url, world.management.username)
    mu.sign_in()
    for language in ("en", "fr", "ar"):
        mu.choose_language(language)
        mu.go(review_url)
        mu.look("publish-review", artifacts, problems, language)
    with mu.page.expect_navigation():
        mu.page.locator("form input[name=action][value=publish] ~ button").click()
    resource.refresh_from_db()
    assert resource.state == ResourceState.PUBLISHED and not resource.city_named
    assert CITY_NAME not in " ".join(f"{v.title} {v.summary} {v.body}" for v in resource.versions.all())
    mu.go(resource.get_absolute_url())
    assert CITY_NAME not in mu.page.locator("main").inner_text()
    mu.look("publish-published", artifacts, problems, "ar")
    for actor in (hub, focal, mu):
        assert actor.csp_errors == []
        actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
