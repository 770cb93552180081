"""City files the hub shares with an expert of the request: who may share, what may be shared, what the access
log records, and what the expert then reads and downloads."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from helpdesk import services
from helpdesk.access import can
from helpdesk.models import AccessLog, AttachmentShare, User
from helpdesk.selectors import (
    attachment_lines_and_shares,
    file_shares,
    live_file_share,
    shareable_file,
    visible_attachment_lines,
    visible_attachments,
)
from tests.access_world import ROLES, build_world
from tests.factories import expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _fresh(user: User) -> User:
    """The person as the next HTTP request reads them (their access read again)."""
    return User.objects.get(pk=user.pk)


def test_sharing_lets_the_expert_download_the_file_and_is_logged(world):
    hub, person, city_file = world.user("hub_region"), world.user("assigned_expert"), world.attachments["city"]
    assert not can(person, "download", city_file)

    share = services.attachment_share(attachment=city_file, expert=person, actor=hub, ip="192.0.2.9")

    assert can(_fresh(person), "download", city_file)
    log = AccessLog.objects.get(action=AccessLog.Action.SHARE)
    assert (log.user, log.subject, log.attachment, log.request, log.ip_address) == (
        hub,
        person,
        city_file,
        world.req,
        "192.0.2.9",
    )
    # Sharing again changes nothing and logs nothing more.
    assert services.attachment_share(attachment=city_file, expert=person, actor=hub) == share
    assert AccessLog.objects.filter(action=AccessLog.Action.SHARE).count() == 1


def test_revoking_takes_the_file_away_and_keeps_the_record(world):
    hub, person, shared = world.user("hub_region"), world.user("assigned_expert"), world.attachments["shared"]
    assert can(_fresh(person), "download", shared)

    share = services.attachment_share_revoke(share=world.extra["share"], actor=hub)

    assert share.revoked_at is not None and share.revoked_by == hub
    assert not can(_fresh(person), "download", shared)
    assert AttachmentShare.objects.filter(pk=share.pk).exists()
    log = AccessLog.objects.get(action=AccessLog.Action.UNSHARE)
    assert (log.user, log.subject, log.attachment) == (hub, person, shared)
    services.attachment_share_revoke(share=share, actor=hub)
    assert AccessLog.objects.filter(action=AccessLog.Action.UNSHARE).count() == 1


def test_only_the_regions_hub_shares(world):
    person, city_file = world.user("assigned_expert"), world.attachments["city"]
    for role in ("own_city", "assigned_expert", "management", "hub_other_region"):
        with pytest.raises(PermissionDenied):
            services.attachment_share(attachment=city_file, expert=person, actor=world.user(role))
        with pytest.raises(PermissionDenied):
            services.attachment_share_revoke(share=world.extra["share"], actor=world.user(role))
    assert not AccessLog.objects.filter(action__in=["share", "unshare"]).exists()


@pytest.mark.parametrize(
    ("file", "to"),
    [
        ("city", "unassigned_expert"),  # an expert not let into the request
        ("city", "own_city"),  # not an expert at all
        ("restricted", "assigned_expert"),  # released first, then shared
        ("internal", "assigned_expert"),  # only city files
    ],
)
def test_what_cannot_be_shared(world, file, to):
    with pytest.raises(services.ShareRefused):
        services.attachment_share(
            attachment=world.attachments[file], expert=world.user(to), actor=world.user("hub_region")
        )
    assert not AttachmentShare.objects.filter(attachment=world.attachments[file]).exists()


def test_the_expert_lists_the_files_shared_with_them_and_no_other_city_file(world):
    person = _fresh(world.user("assigned_expert"))
    names = {world.attachments[key].pk: key for key in world.attachments}
    lines = visible_attachment_lines(world.req, person)
    assert [names[row[0]] for row in lines] == ["expert", "shared"]
    assert [names[a.pk] for a in visible_attachments(world.req, person)] == ["expert", "shared"]
    # Another expert of the pool, let into the request but shared nothing, lists the expert channel only.
    other = expert()
    services.expert_access_grant(request=world.req, expert=other)
    assert [names[row[0]] for row in visible_attachment_lines(world.req, _fresh(other))] == ["expert"]


def test_hub_staff_read_the_shares_beside_the_files(world, django_assert_num_queries):
    hub = world.user("hub_region")
    assert can(hub, "share_file", world.req)  # who the person is was read with the page
    with django_assert_num_queries(1):
        lines = file_shares(world.req, hub)
    assert [(line.attachment_id, line.expert) for line in lines] == [
        (world.attachments["shared"].pk, str(world.user("assigned_expert")))
    ]
    assert file_shares(world.req, world.user("assigned_expert")) == []
    assert file_shares(world.req, world.user("management")) == []


def test_hub_staff_read_the_files_and_their_shares_in_one_read_equal_to_the_two(world, django_assert_num_queries):
    """The request page's fold: the files' lines and the shares as ``visible_attachment_lines`` and
    ``file_shares`` give them, a file shared with two experts and a revoked share included."""
    hub = world.user("hub_region")
    second = expert()
    services.expert_access_grant(request=world.req, expert=second)
    services.attachment_share(attachment=world.attachments["shared"], expert=second, actor=hub)
    revoked = services.attachment_share(attachment=world.attachments["city"], expert=second, actor=hub)
    services.attachment_share_revoke(share=revoked, actor=hub)
    expected = (visible_attachment_lines(world.req, hub), file_shares(world.req, hub))
    assert len(expected[1]) == 2

    with django_assert_num_queries(1):
        assert attachment_lines_and_shares(world.req, hub, shares=True) == expected
    # Anyone else, or without shares asked: the files alone, as before.
    assert attachment_lines_and_shares(world.req, hub, shares=False) == (expected[0], [])
    for role in ROLES[1:]:  # the first is the anonymous visitor, who reads nothing
        person = _fresh(world.user(role))
        lines, shares = attachment_lines_and_shares(world.req, person, shares=True)
        assert lines == visible_attachment_lines(world.req, _fresh(person)), role
        assert shares == file_shares(world.req, person), role


def test_the_experts_files_tell_which_are_shared_so_each_download_check_reads_nothing(world, django_assert_num_queries):
    person = _fresh(world.user("assigned_expert"))
    can(person, "view", world.req)  # who the person is: read once, as the page does first
    with django_assert_num_queries(1):
        lines = visible_attachment_lines(world.req, person)
    files = {a.pk: a for a in world.attachments.values()}
    with django_assert_num_queries(0):
        allowed = [can(person, "download", files[row[0]]) for row in lines]
    assert allowed == [True, True]
    # A person read afresh, asked about a file before any list, reads the shares of that request alone.
    fresh = _fresh(person)
    can(fresh, "view", world.req)
    with django_assert_num_queries(1):
        assert can(fresh, "download", world.attachments["shared"])
        assert not can(fresh, "download", world.attachments["city"])


def test_the_file_and_the_share_a_page_acts_on_only_for_the_regions_hub(world):
    city_file, share = world.attachments["shared"], world.extra["share"]
    for role in ROLES:
        person = world.user(role)
        mine = role == "hub_region"
        found = shareable_file(person, world.req, city_file.pk)
        assert (found == city_file) if mine else found is None, role
        live = live_file_share(person, world.req, share.pk)
        assert (live == share and live.attachment.request is world.req) if mine else live is None, role
    assert shareable_file(world.user("hub_region"), world.req, 10**9) is None
    services.attachment_share_revoke(share=share, actor=world.user("hub_region"))
    assert live_file_share(world.user("hub_region"), world.req, share.pk) is None
