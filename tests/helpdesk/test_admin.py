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
    # not data anyone edits by hand; a resource's versions, files and history, shown inline on the resource, and its
    # search index; the
    # counts of intake suggestions (figures, not records).
    assert sorted(missing) == [
        "HeldFile",
        "IntakeSession",
        "ReferenceSequence",
        "ResourceFile",
        "ResourceLog",
        "ResourceSearch",
        "ResourceVersion",
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


@pytest.mark.parametrize("which", ["existing", "missing"])
def test_no_admin_page_shows_an_authenticator_secret(client, which):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    superuser = UserFactory(is_staff=True, is_superuser=True)
    # Someone else's authenticator: not even a superuser reads it.
    device = TOTPDevice.objects.create(user=UserFactory(), name="phone", confirmed=True)
    client.force_login(superuser)
    pk = device.pk if which == "existing" else device.pk + 1000
    for view in ("config", "qrcode"):
        response = client.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/")
        # Refused, never a 500 for a device that does not exist, and never the key.
        assert response.status_code == 403
        assert device.key not in response.content.decode(errors="replace")


def test_the_management_unit_keeps_the_indicator_catalogue_and_funding_sources_in_the_admin(client):
    from tests.factories import management

    person = management(is_staff=True)
    client.force_login(person)
    for model in ("helpdesk/indicator", "workflows/fundingsource"):
        assert client.get(f"/admin/{model}/").status_code == 200
        assert client.get(f"/admin/{model}/add/").status_code == 200
    response = client.post(
        "/admin/helpdesk/indicator/add/",
        {
            "code": "plan-adopted",
            "priority": 3,
            "name": "Municipal prevention plan adopted",
            "name_fr": "Plan municipal de prévention adopté",
            "name_ar": "اعتماد خطة بلدية للوقاية",
            "definition": "The city council adopted a prevention plan.",
            "unit": "yes_no",
            "higher_is_better": "on",
            "is_active": "on",
            "position": 0,
        },
    )
    assert response.status_code == 302
    from helpdesk.models import Indicator

    assert Indicator.objects.get(code="plan-adopted").name_fr == "Plan municipal de prévention adopté"


def test_people_and_cities_are_a_superusers_repair_tool_only_in_the_admin(client):
    """The network's people are kept on the desk's own pages; a staff account given every model permission still
    cannot open them in the admin, and the people log is read-only even for a superuser."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory, management

    staff = management(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="helpdesk"))
    client.force_login(staff)
    for model in ("user", "city", "expertprofile", "invitation", "peoplelog", "retainedread"):
        assert client.get(f"/admin/helpdesk/{model}/").status_code == 403, model
    assert client.get("/admin/helpdesk/indicator/").status_code == 200  # its own catalogue stays the unit's
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in ("user", "city", "expertprofile", "invitation", "peoplelog", "retainedread"):
        assert client.get(f"/admin/helpdesk/{model}/").status_code == 200, model
    assert client.get("/admin/helpdesk/peoplelog/add/").status_code == 403
