"""Sharing a city file with the expert through the pages: the hub's form beside the file, the expert's brief
and download (404 before the share and after its end), and the access log of each step."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from helpdesk.models import AccessLog, Attachment, AttachmentShare, Visibility
from helpdesk.services import expert_access_grant
from tests.access_world import PDF_BYTES as PDF
from tests.factories import CityFactory, expert, focal_point, hub_staff
from tests.web.pages import in_state
from workflows.models import ExpertAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    city = CityFactory()
    focal, hub, person = focal_point(city), hub_staff(city.region), expert()
    request = in_state("expert_matching", city=city)
    ExpertAssignment.objects.create(request=request, expert=person, proposed_by=hub, status="accepted")
    expert_access_grant(request=request, expert=person, actor=hub)
    plan = Attachment(
        request=request,
        original_name="budget-plan.pdf",
        size=len(PDF),
        content_type="application/pdf",
        visibility=Visibility.CITY,
        uploaded_by=focal,
    )
    plan.file.save("budget-plan.pdf", ContentFile(PDF), save=False)
    plan.save()
    return {"request": request, "hub": hub, "expert": person, "focal": focal, "file": plan}


def test_the_hub_shares_a_city_file_with_the_expert_and_stops_sharing_it(client, story):
    request, plan, person = story["request"], story["file"], story["expert"]
    download = reverse("attachment-download", args=[plan.pk])

    client.force_login(person)
    assert client.get(download).status_code == 404
    assert "budget-plan.pdf" not in client.get(request.get_absolute_url()).content.decode()

    client.force_login(story["hub"])
    page = client.get(request.get_absolute_url()).content.decode()
    share_url = reverse("request-file-share", args=[request.reference, plan.pk])
    assert f'action="{share_url}"' in page and "Share with the expert" in page
    client.post(share_url, {"expert": str(person.pk)})
    share = AttachmentShare.objects.get(attachment=plan, expert=person, revoked_at=None)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Shared with <bdi>" in page and "Stop sharing" in page
    assert f'action="{share_url}"' not in page  # shared with the only expert there is

    client.force_login(person)
    assert "budget-plan.pdf" in client.get(request.get_absolute_url()).content.decode()
    assert client.get(download).status_code == 200
    downloaded = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (downloaded.user, downloaded.attachment) == (person, plan)

    client.force_login(story["hub"])
    client.post(reverse("request-file-unshare", args=[request.reference, share.pk]))
    client.force_login(person)
    assert client.get(download).status_code == 404
    assert "budget-plan.pdf" not in client.get(request.get_absolute_url()).content.decode()
    logged = list(AccessLog.objects.filter(attachment=plan).order_by("pk").values_list("action", "user", "subject"))
    hub_pk = story["hub"].pk
    assert logged == [("share", hub_pk, person.pk), ("download", person.pk, None), ("unshare", hub_pk, person.pk)]


def test_only_an_expert_who_accepted_is_offered_and_accepted(client, story):
    request, plan = story["request"], story["file"]
    proposed = expert()
    ExpertAssignment.objects.create(request=request, expert=proposed, proposed_by=story["hub"])
    expert_access_grant(request=request, expert=proposed, actor=story["hub"])
    client.force_login(story["hub"])
    response = client.post(
        reverse("request-file-share", args=[request.reference, plan.pk]), {"expert": str(proposed.pk)}, follow=True
    )
    assert "Choose an expert who accepted the assignment." in response.content.decode()
    assert not AttachmentShare.objects.exists()


def test_no_share_form_for_the_city_or_the_expert(client, story):
    for who in ("focal", "expert"):
        client.force_login(story[who])
        assert "Share with the expert" not in client.get(story["request"].get_absolute_url()).content.decode()
        url = reverse("request-file-share", args=[story["request"].reference, story["file"].pk])
        assert client.post(url, {"expert": str(story["expert"].pk)}).status_code == 404
