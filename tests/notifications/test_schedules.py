"""``manage.py setup_schedules``: the periodic jobs exist once, however often it runs."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import import_module
from io import StringIO

from django.core.management import call_command
from django_q.models import Schedule

from notifications.schedules import jobs


def run() -> str:
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    return out.getvalue()


def test_every_job_is_scheduled_once_and_a_second_run_changes_nothing(db, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)

    assert run().count("created") == len(jobs())
    first = list(Schedule.objects.order_by("name").values())
    assert run().count("unchanged") == len(jobs())

    assert list(Schedule.objects.order_by("name").values()) == first
    by_func = {s.func: s for s in Schedule.objects.all()}
    assert by_func["notifications.tasks.sweep_deadlines"].minutes == 15
    sweeps = Schedule.objects.filter(func="notifications.tasks.sweep_outbox").order_by("next_run")
    # Every minute, twice: half a minute apart, so a dead worker's e-mails wait at most half a minute for one.
    assert [s.minutes for s in sweeps] == [1, 1]
    assert (sweeps[1].next_run - sweeps[0].next_run).total_seconds() == 30
    assert by_func["notifications.tasks.send_digests"].schedule_type == Schedule.DAILY
    assert by_func["notifications.tasks.send_digests"].next_run == datetime(2026, 3, 3, 6, 0, tzinfo=UTC)
    assert by_func["notifications.tasks.outcome_follow_ups"].schedule_type == Schedule.DAILY
    assert by_func["notifications.tasks.outcome_follow_ups"].next_run == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    assert {s.repeats for s in by_func.values()} == {-1}


def test_a_changed_schedule_is_corrected_and_keeps_its_next_run(db):
    run()
    schedule = Schedule.objects.get(func="notifications.tasks.sweep_deadlines")
    next_run = schedule.next_run
    Schedule.objects.filter(pk=schedule.pk).update(minutes=60)

    assert "updated   notifications: deadline reminders and escalations" in run()
    schedule.refresh_from_db()
    assert (schedule.minutes, schedule.next_run) == (15, next_run)


def test_every_scheduled_function_can_be_imported():
    # django-q2 imports the dotted path only when the job is due: a typo would fail silently until then.
    for job in jobs():
        module, name = job.func.rsplit(".", 1)
        assert callable(getattr(import_module(module), name))
