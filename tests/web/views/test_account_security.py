"""A person's own account under a stolen session: the e-mail address needs the password and the old address is
told; password resets are mailed by a task, and the reset page tells nothing of which accounts exist."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.conf import Conf

from tests.factories import PASSWORD, CityFactory, focal_point, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sync_tasks(monkeypatch):
    """django-q2 runs a queued task at once, in this process (its documented mode for tests)."""
    monkeypatch.setattr(Conf, "SYNC", True)


def _profile_post(**changes: str) -> dict[str, str]:
    data = {
        "first_name": "Amina",
        "last_name": "Odhiambo",
        "email": "amina@example.org",
        "phone": "",
        "organisation": "",
        "preferred_language": "en",
        "notification_mode": "immediate",
    }
    data.update(changes)
    return data


@pytest.fixture
def person(db):
    return focal_point(CityFactory(), email="amina@example.org", first_name="Amina", last_name="Odhiambo")


def test_changing_the_email_without_the_password_is_refused_on_the_field(client, person, mailoutbox):
    client.force_login(person)
    response = client.post(reverse("profile"), _profile_post(email="thief@example.net"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "current_password" in form.errors and "email" not in form.errors
    person.refresh_from_db()
    assert person.email == "amina@example.org"
    assert mailoutbox == []


def test_a_wrong_password_is_refused_and_too_many_end_the_session(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client.force_login(person)
    for _ in range(2):
        response = client.post(reverse("profile"), _profile_post(email="thief@example.net", current_password="guess"))
        assert response.status_code == 200 and "current_password" in response.context["form"].errors
    response = client.post(reverse("profile"), _profile_post(email="thief@example.net", current_password="guess"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("profile")).status_code == 302  # signed out
    person.refresh_from_db()
    assert person.email == "amina@example.org"


def test_the_old_address_is_told_after_the_change_commits(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profile"), _profile_post(email="new@example.org", current_password=PASSWORD))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "new@example.org"
    (notice,) = mailoutbox
    assert notice.to == ["amina@example.org"]
    assert "e-mail address of your account was changed" in notice.body
    assert person.username in notice.body
    assert LogEntry.objects.filter(object_id=str(person.pk), change_message="E-mail address changed").exists()


def test_other_profile_changes_need_no_password_and_tell_no_one(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profile"), _profile_post(organisation="City hall"))
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_password_change_needs_the_old_one_and_tells_the_address(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(person)
    new = "another-long-pass-77"
    response = client.post(
        reverse("password-change"), {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password-change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
    assert response.status_code == 302
    (notice,) = mailoutbox
    assert notice.to == ["amina@example.org"] and "password of your account was changed" in notice.body


def _page(client, url):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", client.get(url).content.decode())


def _reset(client, capture, email):
    with capture(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password-reset"), {"email": email})
    return response, callbacks, queries


def test_the_reset_page_answers_alike_for_known_and_unknown_addresses_and_mails_nothing_itself(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    known, known_callbacks, known_queries = _reset(client, capture, "amina@example.org")
    unknown, unknown_callbacks, unknown_queries = _reset(client, capture, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert _page(client, known["Location"]) == _page(client, unknown["Location"])
    # Nothing was mailed and no account was looked up inside either request: both only queued a task.
    assert mailoutbox == []
    for queries in (known_queries, unknown_queries):
        assert not [q for q in queries.captured_queries if "helpdesk_user" in q["sql"]]
    assert len(known_callbacks) == len(unknown_callbacks) == 1
    assert len(known_queries.captured_queries) == len(unknown_queries.captured_queries)

    for callback in known_callbacks + unknown_callbacks:
        callback()
    (message,) = mailoutbox  # the task, run now, mails the known address only
    assert message.to == ["amina@example.org"]


def test_the_reset_task_mails_a_working_link_in_the_persons_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = focal_point(CityFactory(), preferred_language="fr", email="reset@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": "reset@example.org"})
    (message,) = mailoutbox
    assert message.to == ["reset@example.org"] and "mot de passe" in message.subject
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    new = "a-brand-new-pass-42"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert [m.to for m in mailoutbox[1:]] == [["reset@example.org"]]  # told of the new password


def test_a_hub_member_is_told_in_their_language(client, mailoutbox, django_capture_on_commit_callbacks):
    member = hub_staff(CityFactory().region, preferred_language="ar", email="hub@example.org")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profile"),
            _profile_post(email="hub2@example.org", preferred_language="ar", current_password=PASSWORD),
        )
    (notice,) = mailoutbox
    assert notice.to == ["hub@example.org"]
    html = notice.alternatives[0][0]
    assert 'dir="rtl"' in html and notice.extra_headers["Content-Language"] == "ar"
