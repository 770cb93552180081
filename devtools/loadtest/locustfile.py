"""Signed-in people of the desk at work, for ``manage.py loadtest`` (locust, headless, in its own process).

Each simulated person takes a slot of the plan the command wrote (``LOADTEST_PLAN``): an account's session
(made by the command, so that the run measures the desk's pages, not a password hash per sign-in), a CSRF
secret and the requests that person may open and write on. People read far more than they write, in the
proportions of a working day: cities most, then hub staff, experts, the management unit.

Every write carries a token of its own in its text; at the end the file ``LOADTEST_WRITES`` lists each token
with what the client saw (``ok``: the desk answered the redirect that follows a save; ``refused``: another
answer; ``unknown``: no answer at all, as when a worker is killed mid-request). The command then counts the
rows that hold each token: none lost, none doubled. No Django here: this file runs under gevent.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import string
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
RUN: str = PLAN["run"]
PAUSES = os.environ.get("LOADTEST_PAUSES", "1") == "1"
WRITES: list[dict[str, Any]] = []
_slots = {role: itertools.count() for role in PLAN["people"]}


def token() -> str:
    # Letters only: digits in a row could read as a phone number to the desk's personal-data screening.
    return f"lt{RUN}x" + "".join(random.choices(string.ascii_lowercase, k=12))


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3) if PAUSES else constant(0)

    def on_start(self) -> None:
        slots = PLAN["people"][self.role]
        self.me: dict[str, Any] = slots[next(_slots[self.role]) % len(slots)]
        # Set by hand, not by the desk's answers: with debug off its cookies are HTTPS-only, and this client
        # speaks plain HTTP to it as the TLS-terminating proxy would.
        self.client.cookies.set("sessionid", self.me["session"])
        self.client.cookies.set("csrftoken", self.me["csrf"])

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")

    def ref(self) -> str:
        return random.choice(self.me["refs"])

    def write(self, kind: str, url: str, data: dict[str, str], mark: str) -> str | None:
        """POST a form the way the page does; returns the redirect's target when the desk saved it."""
        record: dict[str, Any] = {"token": mark, "kind": kind, "outcome": "unknown"}
        WRITES.append(record)
        headers = {"X-CSRFToken": self.me["csrf"]}
        with self.client.post(
            url, data=data, headers=headers, name=f"write: {kind}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                record["outcome"] = "ok"
                return str(response.headers.get("Location", ""))
            if response.status_code:
                record.update(outcome="refused", status=response.status_code)
            response.failure(f"{response.status_code or 'no answer'} for {url}")
        return None

    def message(self, kind: str, visibility: str) -> None:
        mark = token()
        body = f"Load test {mark}: thank you, we will come back to you this week with the next steps."
        self.write(kind, f"/requests/{self.ref()}/messages/", {"body": body, "visibility": visibility}, mark)


class CityFocalPoint(Person):
    role = "city"
    weight = 12

    @task(4)
    def home(self) -> None:
        self.page("/city/", "city: home")

    @task(4)
    def request_page(self) -> None:
        self.page(f"/requests/{self.ref()}/", "city: request page")

    @task(1)
    def notifications(self) -> None:
        self.page("/notifications/", "city: notifications")

    @task(1)
    def new_request_form(self) -> None:
        self.page("/requests/new/", "city: new request form")

    @task(1)
    def write_message(self) -> None:
        self.message("city message", "city")

    @task(1)
    def submit_request(self) -> None:
        mark = token()
        data = {
            "city": str(self.me["city"]),
            "title": f"Load test {mark}: advice on a prevention framework",
            "theme": "multi_agency",
            "kind": "advice",
            "strategic_priority": "3",
            "description": "We would like advice on setting up a multi-agency prevention framework.",
            "summary": "Advice on a multi-agency framework.",
            "language": "en",
            "urgency": "normal",
            "submit": "1",
        }
        self.write("city new request (submit)", "/requests/new/", data, mark)


class HubStaff(Person):
    role = "hub"
    weight = 4

    @task(4)
    def queue(self) -> None:
        self.page("/hub/queue/", "hub: queue")

    @task(2)
    def queue_filtered(self) -> None:
        self.page("/hub/queue/?state=submitted", "hub: queue filtered")

    @task(1)
    def queue_search(self) -> None:
        self.page("/hub/queue/?q=mentoring", "hub: queue search")

    @task(4)
    def request_page(self) -> None:
        self.page(f"/requests/{self.ref()}/", "hub: request page")

    @task(1)
    def notifications(self) -> None:
        self.page("/notifications/", "hub: notifications")

    @task(1)
    def write_note(self) -> None:
        self.message("hub internal note", "internal")


class Expert(Person):
    role = "expert"
    weight = 3

    @task(3)
    def inbox(self) -> None:
        self.page("/expert/", "expert: inbox")

    @task(3)
    def request_page(self) -> None:
        self.page(f"/requests/{self.ref()}/", "expert: request page")

    @task(1)
    def write_message(self) -> None:
        self.message("expert message", "expert")


class ManagementUnit(Person):
    role = "management"
    weight = 1

    @task(2)
    def fund_queue(self) -> None:
        self.page("/fund/", "management: fund queue")

    @task(2)
    def overview(self) -> None:
        self.page("/overview/", "management: hubs overview")

    @task(2)
    def all_requests(self) -> None:
        self.page("/hub/queue/", "management: all requests")

    @task(1)
    def figures(self) -> None:
        self.page("/figures/", "management: figures")


@events.test_stop.add_listener
def _save_writes(**kwargs: Any) -> None:
    Path(os.environ["LOADTEST_WRITES"]).write_text(json.dumps(WRITES))
