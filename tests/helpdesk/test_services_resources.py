"""The resource hub's writes: a draft written and translated, sent to review, returned, published by someone
else, archived; personal data and unknown vocabularies refused; every change in the resource's history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.attachments import AttachmentRefused
from helpdesk.models import ResourceLog, ResourceState
from helpdesk.screening import PersonalDataFound
from helpdesk.services import (
    resource_archive,
    resource_create,
    resource_file_add,
    resource_publish,
    resource_return,
    resource_submit,
    resource_version_save,
)
from tests.access_world import PDF_BYTES
from tests.factories import CityFactory, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return CityFactory(name="Saïda", country="LB")


def _draft(author, **kwargs):
    return resource_create(
        actor=author,
        kind="policy",
        language="fr",
        title="Plan municipal de prévention",
        summary="Comment la ville a adopté son plan.",
        body="<p>Le conseil a voté le plan en <script>x</script>mars.</p>",
        themes=["multi_agency"],
        priorities=[3],
        **kwargs,
    )


def test_a_focal_point_proposes_a_policy_and_another_person_publishes_it(city):
    author = focal_point(city)
    item = _draft(author, region=city.region, city=city)
    version = item.versions.get()
    assert item.state == ResourceState.DRAFT and item.slug.startswith("plan-municipal")
    assert "<script>" not in version.body and version.written_by == author and version.body_seal
    resource_version_save(
        resource=item,
        actor=hub_staff(city.region),
        language="ar",
        title="خطة الوقاية البلدية",
        body="<p>صوّت المجلس على الخطة.</p>",
        translated_from="fr",
    )
    resource_submit(resource=item, actor=author)
    with pytest.raises(PermissionDenied):  # the translator wrote it too
        resource_publish(resource=item, actor=item.versions.get(language="ar").written_by)
    reviewer = management()
    resource_return(resource=item, actor=reviewer, reason="Add the date of the vote.")
    assert item.state == ResourceState.DRAFT
    resource_submit(resource=item, actor=author)
    resource_publish(resource=item, actor=reviewer)
    item.refresh_from_db()
    assert item.state == ResourceState.PUBLISHED and item.published_at and item.reviewed_by == reviewer
    resource_archive(resource=item, actor=reviewer)
    actions = list(ResourceLog.objects.filter(resource=item).values_list("action", flat=True))
    assert actions == ["created", "translated", "submitted", "returned", "submitted", "published", "archived"]


def test_personal_data_is_refused_and_cannot_be_confirmed_in(city):
    with pytest.raises(PersonalDataFound) as found:
        resource_create(
            actor=focal_point(city), kind="guide", language="en", title="Contacts", body="<p>Call +44 20 7946 0958</p>"
        )
    assert found.value.confirmable is False


def test_the_steering_committee_and_experts_write_no_resource_and_vocabularies_are_checked(city):
    with pytest.raises(PermissionDenied):
        _draft(steering())
    with pytest.raises(ValidationError):
        resource_create(actor=management(), kind="poem", language="en", title="T", body="<p>b</p>")
    with pytest.raises(ValidationError):
        resource_create(actor=management(), kind="guide", language="en", title="T", body="<p>b</p>", themes=["x"])


def test_files_are_checked_like_every_attachment(city):
    item = _draft(focal_point(city))
    stored = resource_file_add(
        resource=item, actor=item.created_by, upload=SimpleUploadedFile("plan.pdf", PDF_BYTES), language="fr"
    )
    assert stored.content_type == "application/pdf" and stored.sha256 and stored.file.name.startswith("resources/")
    with pytest.raises(AttachmentRefused):
        resource_file_add(resource=item, actor=item.created_by, upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00"))


def test_a_resource_titled_new_does_not_take_the_new_resource_pages_address(city):
    item = resource_create(actor=focal_point(city), kind="guide", language="en", title="New", body="<p>b</p>")
    assert item.slug != "new" and item.slug.startswith("new-")
