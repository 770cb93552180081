"""The trusted pool in the demo network: a standby, a leave and conflicts to review, seeded once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.demo.network import seed_network
from devtools.demo.pool import seed_pool
from helpdesk.models import ExpertPeriod, ExpertProfile, PeopleLog
from helpdesk.selectors.experts import CONFLICTS_TO_REVIEW, expert_standby_until
from workflows.selectors import current_fiscal_year

pytestmark = pytest.mark.django_db


def test_the_demo_pool_has_a_standby_a_leave_and_conflicts_to_review_and_a_second_run_changes_nothing():
    seed_network(fiscal_year=current_fiscal_year())

    assert seed_pool() == 3

    standby = ExpertPeriod.objects.get(expert__username="expert.amina", kind="standby")
    assert [r.code for r in standby.regions.all()] == ["mena"] and standby.languages == ["fr", "ar"]
    assert expert_standby_until(standby.expert) == timezone.localdate() + timedelta(days=6)
    assert ExpertPeriod.objects.filter(expert__username="expert.omar", kind="leave").count() == 1
    waiting = ExpertProfile.objects.filter(CONFLICTS_TO_REVIEW).values_list("user__username", flat=True)
    assert list(waiting) == ["expert.claire"]
    claire = ExpertProfile.objects.get(user__username="expert.claire")
    assert claire.conflicts_reviewed_by.username == "mu.director" and claire.conflict_countries == ["CM"]
    logs = PeopleLog.objects.count()

    assert seed_pool() == 0
    assert ExpertPeriod.objects.count() == 2 and PeopleLog.objects.count() == logs
