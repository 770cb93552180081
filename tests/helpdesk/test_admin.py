"""Every model has an admin page whose list does not grow its query count with the data."""

import pytest
from django.contrib import admin
from django.urls import reverse

from helpdesk.models import Message
from tests.factories import SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def _changelist_urls():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
        if model._meta.app_label == "helpdesk"
    ]


def _seed(n: int) -> None:
    for _ in range(n):
        request = SupportRequestFactory()
        Message.objects.create(request=request, body="<p>hi</p>")


def test_every_helpdesk_model_is_registered():
    from django.apps import apps

    missing = [m.__name__ for m in apps.get_app_config("helpdesk").get_models() if m not in admin.site._registry]
    # An internal counter, guardian's grant rows and files kept for a form for a few days (managed by services),
    # not data anyone edits by hand.
    assert sorted(missing) == [
        "HeldFile",
        "ReferenceSequence",
        "SupportRequestGroupObjectPermission",
        "SupportRequestUserObjectPermission",
    ]


def test_admin_lists_keep_a_constant_query_count(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    _seed(2)
    small = {}
    for url in _changelist_urls():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        small[url] = len(ctx.captured_queries)
    _seed(20)
    for url in _changelist_urls():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        assert len(ctx.captured_queries) == small[url], url


def test_a_hub_is_named_in_three_languages_in_the_admin(client):
    from tests.factories import RegionFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    region = RegionFactory(name="South Asia")
    url = reverse("admin:helpdesk_region_change", args=[region.pk])
    page = client.get(url).content.decode()
    assert 'name="name_fr"' in page and 'name="name_ar"' in page
    names = {"name": "South Asia", "name_fr": "Asie du Sud", "name_ar": "جنوب آسيا"}
    assert client.post(url, {"code": region.code, **names, "languages": "[]", "is_active": "on"}).status_code == 302
    region.refresh_from_db()
    assert (region.name_fr, region.name_ar) == ("Asie du Sud", "جنوب آسيا")


def test_cities_are_filtered_by_country_name_in_the_admin(client):
    from tests.factories import CityFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    CityFactory(name="Saïda", country="LB")
    page = client.get(reverse("admin:helpdesk_city_changelist")).content.decode()
    assert "Lebanon" in page and "Saïda" in page
