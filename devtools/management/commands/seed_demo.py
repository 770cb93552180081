"""Seed the demo network (idempotent), and optionally bulk data for measuring at scale."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devtools.demo.bulk import bulk_load
from devtools.demo.calendar import seed_hub_calendars
from devtools.demo.fasttrack import seed_fast_track
from devtools.demo.follow_ups import seed_follow_ups
from devtools.demo.fund import seed_fund
from devtools.demo.history import seed_scale_history
from devtools.demo.membership import seed_membership
from devtools.demo.network import DEMO_PASSWORD, seed_network
from devtools.demo.notifications import seed_scale_notifications
from devtools.demo.pool import seed_pool
from devtools.demo.requests import seed_requests
from devtools.demo.requests_learned import LEARNED_REQUESTS
from devtools.demo.resources import peer_contact_themes_seed, seed_resources
from devtools.demo.resources_scale import seed_scale_resources
from devtools.demo.scale import seed_scale
from devtools.demo.waiver import seed_waiver
from workflows.selectors import current_fiscal_year
from workflows.tally import tally_rebuild


class Command(BaseCommand):
    help = "Create the demo network (hubs, cities, people, requests in every state). Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=int, default=0, help="Also add N bulk requests (1-10 messages each) with their history."
        )
        parser.add_argument("--cities", type=int, default=1000, help="With --scale: total cities to reach.")
        parser.add_argument("--experts", type=int, default=200, help="With --scale: total experts to reach.")
        parser.add_argument(
            "--allow-production", action="store_true", help="Seed even with DEBUG off (demo passwords are public)."
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not settings.TESTING and not options["allow_production"]:
            raise CommandError("Refusing to create demo accounts with DEBUG off; pass --allow-production.")
        started = time.monotonic()
        logins = seed_network(fiscal_year=current_fiscal_year())
        created = seed_requests() + seed_requests(LEARNED_REQUESTS)
        follow_ups = seed_follow_ups()
        resources = seed_resources()
        peers = peer_contact_themes_seed()
        # Last: the pending expert and the new city must not be drawn into the demo requests.
        invitations = seed_membership()
        seed_hub_calendars()  # each hub's time zone, working week and a closure day (devtools/demo/calendar.py)
        seed_pool()
        seed_fast_track()  # an incident filed last evening in Saïda, on the fast track
        seed_fund()  # an emergency fund application for mu.director; a check-in after an incident for focal.sousse
        seed_waiver()
        self.stdout.write(
            f"Demo network ready ({created} demo requests created, {follow_ups} follow-ups, {resources} resources, "
            f"{peers} cities open to peer exchange, {invitations} invitations)."
        )
        scale = int(options["scale"] or 0)
        if scale:
            with bulk_load():
                added = seed_scale(count=scale, cities=int(options["cities"]), experts=int(options["experts"]))
                history = seed_scale_history(first_id=added.first_id, last_id=added.last_id)
                notified = seed_scale_notifications(first_id=added.first_id, last_id=added.last_id)
                resources = seed_scale_resources(requests=added.requests)
            self.stdout.write(
                f"Added {added.requests} requests, {added.messages} messages, {added.assignments} expert "
                f"assignments, {history['logs']} audit rows, {history['fund_applications']} fund applications, "
                f"{history['delivery_reports']} delivery reports, {history['evaluations']} evaluations, "
                f"{history['outcome_targets']} planned outcomes, {history['outcome_values']} outcome values, "
                f"{history['follow_ups']} follow-ups, {notified} notifications and {resources} resources in "
                f"{time.monotonic() - started:.1f} s."
            )
        # The bulk rows and the demo's states set directly were never moves: the figures' tally counts them now.
        tally_rebuild()
        if options["verbosity"]:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
            for login in logins:
                self.stdout.write(f"  {login.role:<22} {login.username:<28} {login.note}")
