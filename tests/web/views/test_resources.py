"""The resource hub's pages over HTTP: the search and its filters, a resource in its languages, writing one
(errors on the field, files kept), review by someone else, archive, and who may read what (404 otherwise)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.models import Consent, Resource, ResourceState
from helpdesk.services import resource_file_add
from tests.access_world import PDF_BYTES
from tests.factories import (
    CityFactory,
    RegionFactory,
    ResourceVersionFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    resource,
    steering,
)

pytestmark = pytest.mark.django_db

NEW = "/resources/new/"
FORM = {
    "kind": "policy",
    "language": "en",
    "title": "Our youth council charter",
    "summary": "How the council was set up.",
    "body": "We asked **every** school to send two pupils.",
    "themes": ["young_cities"],
    "priorities": ["4"],
}


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def city(region):
    return CityFactory(region=region)


def _text(response) -> str:
    return response.content.decode()


def test_the_list_shows_published_resources_with_their_languages_and_searches(client, city):
    guide = resource(languages=("en", "fr"), themes=["young_cities"])
    other = resource(kind="policy", themes=["national_local"])
    resource(state="draft")  # nobody else's draft is listed
    client.force_login(focal_point(city))
    page = _text(client.get("/resources/"))
    assert guide.versions.get(language="en").title in page
    assert other.versions.get().title in page
    assert "Young Cities (youth engagement)" in page and "young_cities" not in page.split("<main")[-1].split("<form")[0]
    assert "English" in page and "French" in page
    assert "2 resources" in page
    filtered = _text(client.get("/resources/?kind=policy"))
    assert other.versions.get().title in filtered and guide.versions.get(language="en").title not in filtered
    by_theme = _text(client.get("/resources/?theme=young_cities"))
    assert guide.versions.get(language="en").title in by_theme and other.versions.get().title not in by_theme
    by_language = _text(client.get("/resources/?language=fr"))
    assert guide.versions.get(language="en").title in by_language and other.versions.get().title not in by_language
    word = guide.versions.get(language="en").title.split()[-1]
    searched = _text(client.get(f"/resources/?q={word}"))
    assert guide.versions.get(language="en").title in searched
    assert "No resource matches" in _text(client.get("/resources/?q=zzzzqqq"))
    assert client.get("/resources/?hub=nonsense&page=x").status_code == 200


def test_a_title_shows_in_the_readers_language_else_marked_with_its_own(client, city):
    item = resource(languages=("ar",))
    client.force_login(focal_point(city))
    page = _text(client.get("/resources/"))
    title = item.versions.get().title
    assert re.search(rf'lang="ar" dir="rtl">{re.escape(title)}</a> <span class="badge[^"]*">Arabic</span>', page)
    both = resource(languages=("en", "fr"))
    client.force_login(focal_point(city, preferred_language="fr"))
    page = _text(client.get("/resources/"))
    assert both.versions.get(language="fr").title in page
    assert both.versions.get(language="en").title not in page


def test_the_detail_offers_each_language_and_says_who_translated_it(client, city):
    item = resource(languages=("en",))
    author = item.versions.get().written_by
    translator = management(first_name="Samira", last_name="Haddad")
    ResourceVersionFactory(resource=item, language="fr", title="Un guide", translated_from="en", written_by=translator)
    client.force_login(focal_point(city))
    page = _text(client.get(f"/resources/{item.slug}/"))
    assert 'hreflang="fr"' in page and 'hreflang="en"' in page
    assert "Translated from English by <bdi>Samira Haddad</bdi>" in page
    assert author is None or str(author) in page
    french = _text(client.get(f"/resources/{item.slug}/?lang=fr"))
    assert re.search(r'<h1[^>]*lang="fr"[^>]*>Un guide</h1>', french)


def test_the_city_is_named_only_when_it_chose_to_be(client, city, region):
    named = resource(city=city, city_named=True, region=region)
    anonymous = resource(city=city, city_named=False, region=region)
    client.force_login(steering())
    assert city.name in _text(client.get(f"/resources/{named.slug}/"))
    page = _text(client.get(f"/resources/{anonymous.slug}/"))
    assert city.name not in page and "A city of" in page


def test_steering_reads_published_resources_but_writes_none(client):
    item = resource()
    client.force_login(steering())
    assert client.get("/resources/").status_code == 200
    assert client.get(f"/resources/{item.slug}/").status_code == 200
    assert "Share a resource" not in _text(client.get("/resources/"))
    assert client.get(NEW).status_code == 403
    assert 'href="/resources/"' in _text(client.get("/figures/"))  # in the main navigation


def test_a_draft_is_404_for_someone_who_may_not_see_it(client, city, region):
    draft = resource(state="draft", created_by=focal_point(city), region=region)
    for person in (focal_point(CityFactory(region=region)), steering(), expert(), hub_staff(RegionFactory())):
        client.force_login(person)
        assert client.get(f"/resources/{draft.slug}/").status_code == 404
        assert client.get(f"/resources/{draft.slug}/edit/").status_code == 404
    client.force_login(hub_staff(region))
    assert client.get(f"/resources/{draft.slug}/").status_code == 200


def test_hub_staff_see_drafts_and_reviews_when_they_ask(client, region):
    draft = resource(state="draft", region=region)
    staff = hub_staff(region)
    client.force_login(staff)
    title = draft.versions.get().title
    assert title not in _text(client.get("/resources/"))
    page = _text(client.get("/resources/?show=unpublished"))
    assert title in page and "Drafts and resources in review" in page


def test_a_focal_point_shares_a_resource_with_a_file_and_sends_it_to_review(client, city, region):
    person = focal_point(city)
    staff = hub_staff(region)
    client.force_login(person)
    assert "Share a resource" in _text(client.get("/resources/"))
    form = _text(client.get(NEW))
    assert f'<option value="{region.pk}" selected>' in form  # the city's hub by default
    response = client.post(NEW, {**FORM, "region": region.pk, "attachment": SimpleUploadedFile("c.pdf", PDF_BYTES)})
    item = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/resources/{item.slug}/"
    assert item.state == ResourceState.DRAFT and item.themes == ["young_cities"] and item.priorities == [4]
    assert item.files.get().original_name == "c.pdf"
    page = _text(client.get(f"/resources/{item.slug}/"))
    assert "<strong>every</strong>" in page and f"/resources/{item.slug}/files/{item.files.get().pk}/" in page
    download = client.get(f"/resources/{item.slug}/files/{item.files.get().pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    client.post(f"/resources/{item.slug}/review/", {"action": "submit"})
    item.refresh_from_db()
    assert item.state == ResourceState.REVIEW
    # The hub hears of it (content-free); the writer does not.
    from notifications.models import Notification

    told = Notification.objects.filter(event="resource_submitted")
    assert {n.recipient_id for n in told} >= {staff.pk} and person.pk not in {n.recipient_id for n in told}
    assert all(n.data == {"resource": item.pk} for n in told)


def test_personal_data_shows_on_the_field_and_nothing_typed_or_chosen_is_lost(client, city):
    client.force_login(focal_point(city))
    data = {
        **FORM,
        "body": "Call the coordinator on +44 20 7946 0958.",
        "attachment": SimpleUploadedFile("p.pdf", PDF_BYTES),
    }
    response = client.post(NEW, data)
    page = _text(response)
    assert response.status_code == 200 and not Resource.objects.exists()
    assert re.search(r'id="id_body_error">Remove the personal data', page)
    assert "Call the coordinator on +44 20 7946 0958." in page  # kept in the box
    assert "Kept:" in page and "p.pdf" in page  # the file is held, not asked for again
    kept = re.search(r'name="kept" value="(\d+)"', page).group(1)
    response = client.post(NEW, {**FORM, "kept": kept})
    item = Resource.objects.get()
    assert item.files.get().original_name == "p.pdf"


def test_a_required_field_is_marked_and_the_preview_keeps_the_form(client, city):
    client.force_login(focal_point(city))
    page = _text(client.post(NEW, {**FORM, "title": ""}))
    assert 'id="id_title_error"' in page and not Resource.objects.exists()
    fragment = client.post(NEW, {**FORM, "preview": "1"}, HTTP_X_PREVIEW="fragment")
    assert "<strong>every</strong>" in _text(fragment) and not Resource.objects.exists()
    whole = _text(client.post(NEW, {**FORM, "preview": "1"}))
    assert "Preview: how the text will read" in whole and FORM["title"] in whole and not Resource.objects.exists()


def test_review_by_someone_else_then_publish_then_archive(client, city, region):
    author = hub_staff(region)
    item = resource(state="review", created_by=author, region=region)
    client.force_login(author)
    assert client.get(f"/resources/{item.slug}/review/").status_code == 302  # not for its own writer
    client.post(f"/resources/{item.slug}/review/", {"action": "publish"})
    item.refresh_from_db()
    assert item.state == ResourceState.REVIEW
    reviewer = management()
    client.force_login(reviewer)
    page = _text(client.get(f"/resources/{item.slug}/review/"))
    assert "Send back to its writers" in page
    refused = client.post(f"/resources/{item.slug}/review/", {"action": "return", "reason": ""})
    assert refused.status_code == 400 and 'id="id_reason_error"' in _text(refused)
    client.post(f"/resources/{item.slug}/review/", {"action": "return", "reason": "Add the date of the vote."})
    item.refresh_from_db()
    assert item.state == ResourceState.DRAFT
    client.force_login(author)
    assert "Add the date of the vote." in _text(client.get(f"/resources/{item.slug}/"))
    client.post(f"/resources/{item.slug}/review/", {"action": "submit"})
    client.force_login(reviewer)
    client.post(f"/resources/{item.slug}/review/", {"action": "publish"})
    item.refresh_from_db()
    assert item.state == ResourceState.PUBLISHED and item.reviewed_by == reviewer
    # Archive asks first (without script, its own page), then takes it off the hub.
    confirm = client.post(f"/resources/{item.slug}/review/", {"action": "archive"})
    assert confirm.status_code == 200 and "Archive this resource" in _text(confirm)
    item.refresh_from_db()
    assert item.state == ResourceState.PUBLISHED
    client.post(f"/resources/{item.slug}/review/", {"action": "archive", "confirm": "on"})
    item.refresh_from_db()
    assert item.state == ResourceState.ARCHIVED
    client.force_login(focal_point(city))
    assert client.get(f"/resources/{item.slug}/").status_code == 404


def test_publish_is_disabled_with_the_reason_while_consent_is_missing(client, city, region):
    item = resource(state="review", region=region, city=city, consent=Consent.ASKED, created_by=hub_staff(region))
    client.force_login(management())
    page = _text(client.get(f"/resources/{item.slug}/review/"))
    assert re.search(r'<button class="btn btn-primary" type="submit" disabled', page)
    assert "once the city has given its consent" in page
    client.force_login(focal_point(city))
    assert f'href="/resources/{item.slug}/consent/"' in _text(client.get(f"/resources/{item.slug}/"))


def test_a_version_is_added_translated_from_another(client, region):
    staff = hub_staff(region)
    item = resource(state="draft", created_by=staff, region=region)
    client.force_login(staff)
    form = _text(client.get(f"/resources/{item.slug}/versions/ar/"))
    assert 'value="en" selected' in form
    response = client.post(
        f"/resources/{item.slug}/versions/ar/",
        {"translated_from": "en", "title": "دليل المدينة", "summary": "", "body": "نص الدليل"},
    )
    assert response.status_code == 302
    version = item.versions.get(language="ar")
    assert version.translated_from == "en" and version.written_by == staff
    assert client.get(f"/resources/{item.slug}/versions/xx/").status_code == 404


def test_files_are_removed_on_the_edit_page(client, region):
    staff = hub_staff(region)
    item = resource(state="draft", created_by=staff, region=region)
    stored = resource_file_add(resource=item, actor=staff, upload=SimpleUploadedFile("a.pdf", PDF_BYTES))
    client.force_login(staff)
    response = client.post(
        f"/resources/{item.slug}/edit/", {"kind": "tool", "themes": ["other"], "remove": [f"file-{stored.pk}"]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.kind == "tool" and not item.files.exists()


def test_the_request_it_was_drawn_from_is_linked_only_for_who_may_see_both(client, city, region):
    from tests.factories import SupportRequestFactory

    source = SupportRequestFactory(city=city, state="closed")
    item = resource(region=region, source_request=source)
    client.force_login(hub_staff(region))
    assert f'href="{source.get_absolute_url()}"' in _text(client.get(f"/resources/{item.slug}/"))
    for person in (steering(), focal_point(CityFactory(region=region)), hub_staff(RegionFactory())):
        client.force_login(person)
        page = _text(client.get(f"/resources/{item.slug}/"))
        assert source.reference not in page and "Drawn from" not in page


def test_the_steering_committee_downloads_a_published_resources_file(client):
    item = resource()
    stored = resource_file_add(resource=item, actor=management(), upload=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    client.force_login(steering())
    response = client.get(f"/resources/{item.slug}/files/{stored.pk}/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store, private"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get(f"/resources/{item.slug}/files/{stored.pk + 1000}/").status_code == 404


@pytest.mark.s3
def test_in_a_bucket_a_kept_file_becomes_the_resources_file_and_downloads_only_through_the_desk(
    client, city, s3_server, s3_bucket, django_capture_on_commit_callbacks
):
    client.force_login(focal_point(city))
    page = _text(
        client.post(
            NEW, {**FORM, "body": "Call +44 20 7946 0958.", "attachment": SimpleUploadedFile("p.pdf", PDF_BYTES)}
        )
    )
    kept = re.search(r'name="kept" value="(\d+)"', page).group(1)
    assert [key.split("/")[:2] for key in s3_server.keys(s3_bucket)] == [["attachments", "held"]]
    # Sent again without the phone number: the kept file is read back from the bucket, checked, and moved.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, {**FORM, "kept": kept})
    stored = Resource.objects.get().files.get()
    assert s3_server.keys(s3_bucket) == [stored.file.name] and stored.file.name.startswith("resources/")
    grants = s3_server.client().get_object_acl(Bucket=s3_bucket, Key=stored.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    url = f"/resources/{stored.resource.slug}/files/{stored.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"] == 'attachment; filename="p.pdf"'
    client.force_login(focal_point(CityFactory()))  # a draft: nobody outside its writer and hub reads it
    assert client.get(url).status_code == 404
