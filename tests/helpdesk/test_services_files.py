"""Files chosen on a form: kept across a failed attempt, attached once, removed from a draft, expired."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from helpdesk import services
from helpdesk.attachments import AttachmentRefused
from helpdesk.models import AccessLog, Attachment, HeldFile, Message, Visibility
from helpdesk.retention import HELD_FILE_DAYS, orphan_files_delete
from tests.access_world import PDF_BYTES
from tests.factories import CityFactory, SupportRequestFactory, focal_point, hub_staff

pytestmark = pytest.mark.django_db


def pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES)


@pytest.fixture
def draft():
    city = CityFactory()
    return SupportRequestFactory(city=city, submitted_by=focal_point(city), state="draft")


def test_a_file_chosen_twice_is_kept_once_and_a_refused_one_not_at_all(draft):
    focal = draft.submitted_by
    first = services.held_file_add(owner=focal, upload=pdf(), request=draft)
    again = services.held_file_add(owner=focal, upload=pdf("renamed.pdf"), request=draft)
    assert first == again and HeldFile.objects.count() == 1 and len(first.sha256) == 64
    with pytest.raises(AttachmentRefused):
        services.held_file_add(owner=focal, upload=SimpleUploadedFile("x.pdf", b"<html>no</html>"), request=draft)
    assert HeldFile.objects.count() == 1


def test_nobody_keeps_files_for_a_request_they_cannot_see(draft):
    outsider = focal_point(CityFactory())
    with pytest.raises(PermissionDenied):
        services.held_file_add(owner=outsider, upload=pdf(), request=draft)


def test_kept_files_are_attached_to_the_draft_once_whatever_the_attempts(draft):
    focal = draft.submitted_by
    held = services.held_file_add(owner=focal, upload=pdf(), request=None)
    (attached,) = services.draft_files_attach(request=draft, actor=focal, held=[held])
    again = services.held_file_add(owner=focal, upload=pdf("again.pdf"), request=draft)
    assert services.draft_files_attach(request=draft, actor=focal, held=[again]) == [attached]
    assert list(draft.attachments.all()) == [attached] and attached.message is None
    assert not HeldFile.objects.exists()
    assert AccessLog.objects.filter(request=draft, user=focal, action=AccessLog.Action.EDIT).count() == 2


def test_only_the_owner_of_kept_files_attaches_them_and_only_to_a_draft(draft):
    focal = draft.submitted_by
    held = services.held_file_add(owner=focal, upload=pdf(), request=draft)
    colleague = focal_point(draft.city)
    with pytest.raises(PermissionDenied):
        services.draft_files_attach(request=draft, actor=colleague, held=[held])
    with pytest.raises(PermissionDenied):
        services.draft_files_attach(request=draft, actor=hub_staff(draft.region), held=[])
    with pytest.raises(PermissionDenied):
        services.held_file_discard(owner=colleague, held=held)
    assert HeldFile.objects.count() == 1


def test_a_file_comes_off_a_draft_but_never_off_a_message(draft):
    focal = draft.submitted_by
    (attached,) = services.draft_files_attach(
        request=draft, actor=focal, held=[services.held_file_add(owner=focal, upload=pdf(), request=draft)]
    )
    services.draft_file_remove(request=draft, actor=focal, attachment=attached)
    assert not draft.attachments.exists()
    message = Message.objects.create(request=draft, author=focal, body="x", visibility=Visibility.CITY)
    on_message = Attachment.objects.create(
        request=draft, message=message, original_name="a.pdf", size=1, content_type="application/pdf", file="x"
    )
    with pytest.raises(PermissionDenied):
        services.draft_file_remove(request=draft, actor=focal, attachment=on_message)


def test_a_message_takes_its_kept_and_new_files_in_one_go_each_content_once():
    city = CityFactory()
    focal = focal_point(city)
    request = SupportRequestFactory(city=city, submitted_by=focal, state="submitted")
    held = services.held_file_add(owner=focal, upload=pdf(), request=request)
    message = services.message_post(
        request=request,
        author=focal,
        body="Files",
        held=[held],
        attachments=[pdf("copy.pdf"), SimpleUploadedFile("notes.txt", b"plain notes\n")],
    )
    assert sorted(a.original_name for a in message.attachments.all()) == ["notes.txt", "plan.pdf"]
    assert {a.sensitivity for a in message.attachments.all()} == {message.sensitivity}
    other = services.held_file_add(owner=focal_point(city), upload=pdf(), request=request)
    with pytest.raises(PermissionDenied):
        services.message_post(request=request, author=focal, body="Not mine", held=[other])


def test_the_same_file_added_twice_to_a_request_is_stored_once():
    city = CityFactory()
    focal = focal_point(city)
    request = SupportRequestFactory(city=city, submitted_by=focal, state="submitted")
    first = services.attachment_add(request=request, uploaded_by=focal, upload=pdf())
    assert services.attachment_add(request=request, uploaded_by=focal, upload=pdf("again.pdf")) == first
    assert request.attachments.count() == 1


def test_kept_files_nobody_came_back_for_expire(draft):
    focal = draft.submitted_by
    recent = services.held_file_add(owner=focal, upload=pdf(), request=draft)
    old = services.held_file_add(owner=focal, upload=SimpleUploadedFile("n.txt", b"old notes\n"), request=draft)
    HeldFile.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=HELD_FILE_DAYS + 1))
    later = timezone.now() + timedelta(seconds=5)
    assert orphan_files_delete(older_than_hours=0, now=later) == 1
    assert list(HeldFile.objects.all()) == [recent]
    assert default_storage.exists(recent.file.name) and not default_storage.exists(old.file.name)
