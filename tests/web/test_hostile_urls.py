"""No input makes a server error: every URL pattern of the root URLconf, for every role, with hostile path,
query and form values (NUL and control characters, lone surrogates as raw UTF-8 bytes, Unicode digits, huge
numbers, a megabyte of text, repeated keys, wrong types).

The property: no answer is a 5xx (the test client re-raises a view's exception, so the traceback shows), and a
refused request (4xx, or a post answered with its form again) changes no row.

Which keys each page reads is learnt, not listed: a first, ordinary pass over the permission matrix's cases
(``tests/permission_cases.py``) records every key a view asks ``request.GET``/``request.POST`` for. Then a
deterministic sweep sends each known-dangerous value in every key and path parameter of every page, and
Hypothesis draws mixtures over the whole URLconf (the admin's too, for staff): a role, a URL, path values, query
pairs and form pairs. ``HOSTILE_EXAMPLES`` (default 400) sets Hypothesis's budget; derandomised, so CI runs the
same examples each time.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_world import ROLES, World, build_world
from tests.built_once import built_once, copy_files
from tests.factories import UserFactory
from tests.permission_cases import CASES
from workflows.lifecycle import TRANSITIONS

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "400"))
MEGABYTE = "x" * 1_000_000

# Text values as a person could never type them, each encoded as UTF-8 (lone surrogates too, as the bytes
# a broken client would send) and percent-encoded into the URL or the body.
HOSTILE: list[str] = [
    "\x00",
    "1\x00",
    "\x00me",
    "\ud800",
    "ab\udfff",
    "\x1b[31m",
    "\x7f",
    "\r\n",
    "²",
    "٣",
    "١٢",
    "𝟗",
    str(10**40),
    "9" * 40,
    "9" * 5000,
    "-1",
    "0",
    "1e999",
    "-1e999",
    "NaN",
    "sNaN",
    "Infinity",
    "1,5",
    "0x10",
    " 1 ",
    "",
    "true",
    "[]",
    "{'a': 1}",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "SCN-0000-000000",
    MEGABYTE,
]
HOSTILE_KEYS = ["\x00", "\ud800", "a\x00b", "²", "x" * 300, "[]"]
# Keys the admin's pages read (the admin is walked for staff with no ordinary pass before it).
ADMIN_KEYS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters", "state__exact", "id__exact"]
STAFF = "staff"
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<param>[^>]+)>")


def _encode(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def _query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


@dataclass(frozen=True)
class Target:
    name: str
    segments: tuple[Any, ...]  # the patterns from the root to the view, RoutePattern or RegexPattern
    admin: bool


def _targets(resolver: URLResolver | None = None, chain: tuple[Any, ...] = (), namespace: str = "") -> list[Target]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        segments = (*chain, entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _targets(entry, segments, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {segments!r}>"
            found.append(Target(name=name, segments=segments, admin=name.startswith("admin:")))
    return found


# --- what each page reads: an ordinary pass with QueryDict's reads recorded ------------------------------------


@contextmanager
def _recording(into: set[str]) -> Iterator[None]:
    """Every key read from a ``QueryDict`` meanwhile (``get``, ``getlist``, ``[]``, ``in``) goes into ``into``."""
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def wrap(name: str) -> Any:
        original = originals[name]

        def recorder(self: MultiValueDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(self, QueryDict) and isinstance(key, str):
                into.add(key)
            return original(self, key, *args, **kwargs)

        return recorder

    for name in originals:
        setattr(MultiValueDict, name, wrap(name))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def _client(person: Any) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _learn_keys(world: World, people: dict[str, Any]) -> tuple[dict[str, set[str]], dict[str, list[dict[str, str]]]]:
    """The keys each URL name's view reads, and the path values that reach its view for someone."""
    keys: dict[str, set[str]] = defaultdict(set)
    path_values: dict[str, list[dict[str, str]]] = defaultdict(list)
    plan: list[tuple[str, dict[str, Any], str, dict[str, Any], list[str]]] = []
    for case in CASES:
        kwargs = {key: str(value) for key, value in case.kwargs(world).items()}
        path_values[case.name].append(kwargs)
        reached = [role for role, status in case.expect.items() if status in (200, 302) and role != "anonymous"]
        plan.append((case.name, kwargs, case.method, case.data(world), reached[:2] or ["own_city"]))
    # Every move's form, on the submitted request and on the draft, for the roles that make moves.
    for spec in TRANSITIONS:
        for req in (world.req, world.draft):
            kwargs = {"reference": req.reference, "name": spec.name}
            path_values["request-move"].append(kwargs)
            plan.append(("request-move", kwargs, "post", {}, ["own_city", "hub_region", "assigned_expert"]))
    for name, kwargs, method, data, roles in plan:
        url = reverse(name, kwargs=kwargs)
        for role in roles:
            client = _client(people[role])
            with transaction.atomic(), _recording(keys[name]):
                client.get(url)
                if method == "post":
                    client.post(url, data)
                transaction.set_rollback(True)
    return keys, path_values


# --- the property ------------------------------------------------------------------------------------------------


# Rows a reading writes (who opened what; opening a request marks its notifications read), not a change a
# refused request could make.
READ_RECORDS = {"AccessLog", "Notification"}


def _fingerprint() -> dict[str, str]:
    """Every row of the desk's own tables (the test's network is small), by model: what a refused request must
    not change."""
    prints = {}
    for app in ("helpdesk", "workflows", "notifications"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__ in READ_RECORDS:
                continue
            digest = hashlib.sha256()
            for row in model._default_manager.order_by("pk").values_list():
                digest.update(repr(row).encode())
            prints[model.__name__] = digest.hexdigest()
    return prints


# A statement that can change a row. Hashing every table after each refused request was most of this module's
# time (minutes); a request that sent none of these cannot have changed a row, so only one that did is hashed.
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@contextmanager
def _counting_writes(into: list[str]) -> Iterator[None]:
    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if WRITE.match(sql):
            into.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


def _refused(method: str, response: HttpResponse) -> bool:
    # The desk answers a successful post with a redirect; a post answered 200 showed its form (or a preview) again.
    return 400 <= response.status_code < 500 or (method == "post" and response.status_code == 200)


def _segment(pattern: Any, values: dict[str, str]) -> str:
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAM.sub(lambda match: _encode(values[match["param"]]), str(pattern))
    assert isinstance(pattern, RegexPattern)
    return values[f"regex:{pattern.regex.pattern}"]


def _path_strategy(target: Target, known: list[dict[str, str]]) -> st.SearchStrategy[str]:
    """Each parameter: a value that reaches the view, one its converter accepts, or a hostile one."""
    parts: dict[str, st.SearchStrategy[str]] = {}
    for pattern in target.segments:
        if isinstance(pattern, RoutePattern):
            for param, converter in pattern.converters.items():
                valid = sorted({values[param] for values in known if param in values})
                choices = [st.from_regex(converter.regex, fullmatch=True), st.sampled_from(HOSTILE)]
                if valid:
                    choices.insert(0, st.sampled_from(valid))
                parts[param] = st.one_of(*choices)
        else:
            regex = pattern.regex.pattern
            # A regex segment (the admin's app list, its catch-all) is written out whole: percent-encoded where
            # it is hostile, as the regex generates it otherwise.
            plain = st.from_regex(pattern.regex, fullmatch=True).filter(lambda text: "\n" not in text)
            parts[f"regex:{regex}"] = st.one_of(
                plain.map(lambda text: quote(text, safe="/")), st.sampled_from(HOSTILE).map(_encode)
            )
    return st.fixed_dictionaries(parts).map(
        lambda values: "/" + "".join(_segment(pattern, values) for pattern in target.segments)
    )


def _pairs(keys: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    key = st.one_of(st.sampled_from(keys), st.sampled_from(HOSTILE_KEYS)) if keys else st.sampled_from(HOSTILE_KEYS)
    value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12), st.sampled_from(["me", "on", "1", "city"]))
    return st.lists(st.tuples(key, value), max_size=6)


def _reaching_roles() -> dict[str, list[str]]:
    """For each URL name, the signed-in roles its view answers (200 or a redirect after a post)."""
    reaching = {
        case.name: [role for role, status in case.expect.items() if status in (200, 302) and role != "anonymous"]
        for case in CASES
    }
    reaching["request-move"] = ["own_city", "hub_region", "assigned_expert", "management"]
    return reaching


class Desk:
    """The test network, a signed-in client per role, what each page reads, and the one check every request
    gets. Each request runs in a rolled-back transaction, so the rows (sessions included) are the same before
    every request, and a client's cookies are put back after it (a sign-out changes them)."""

    def __init__(self) -> None:
        self.world = build_world()
        people: dict[str, Any] = {role: self.world.user(role) for role in ROLES}
        people[STAFF] = UserFactory(username="staff.admin", is_staff=True, is_superuser=True)
        self.keys, self.path_values = _learn_keys(self.world, people)
        self.clients = {role: _client(person) for role, person in people.items()}
        self.cookies = {
            role: {key: morsel.value for key, morsel in client.cookies.items()} for role, client in self.clients.items()
        }
        self.baseline = _fingerprint()
        targets = _targets()
        self.web = [t for t in targets if not t.admin]
        self.admin = [t for t in targets if t.admin]
        assert len(self.web) >= 40 and self.admin, "the URLconf is walked"
        self.reaching = _reaching_roles()
        self.everyone = [*ROLES, STAFF]

    def read_keys(self, target: Target) -> list[str]:
        return sorted(ADMIN_KEYS if target.admin else self.keys.get(target.name, set()))

    def valid_path(self, target: Target, **override: str) -> str | None:
        """The target's path with values that reach its view (``override`` replacing some), if any are known."""
        known = self.path_values.get(target.name) or [{}]
        values = {**known[0], **override}
        try:
            return "/" + "".join(_segment(pattern, values) for pattern in target.segments)
        except KeyError:
            return None

    def check(self, target: Target, role: str, method: str, path: str, query: str, form: str) -> int:
        url = f"{path}?{query}" if query else path
        client = self.clients[role]
        where = (target.name, role, method, url[:300], form[:300])
        cache.clear()
        try:
            writes: list[str] = []
            with transaction.atomic():
                with _counting_writes(writes):
                    if method == "post":
                        response = client.post(url, form, content_type="application/x-www-form-urlencoded")
                    else:
                        response = client.get(url)
                assert response.status_code < 500, where
                if writes and _refused(method, response):
                    changed = _changed(self.baseline, _fingerprint())
                    assert not changed, (changed, response.status_code, *where)
                transaction.set_rollback(True)
                return response.status_code
        finally:
            client.cookies.clear()
            for key, value in self.cookies[role].items():
                client.cookies[key] = value


@pytest.fixture(scope="module")
def shared_desk(django_db_setup, django_db_blocker, tmp_path_factory):
    # Both sweeps ask the same desk, and making it (the world, then the ordinary pass that learns what each page
    # reads) took a third of their time: it is made once for the module, and each test's requests are rolled
    # back inside it (tests/built_once.py), so each test starts from the rows the desk's baseline was taken of.
    with built_once(django_db_blocker, tmp_path_factory.mktemp("hostile-desk")) as files:
        yield Desk(), files


@pytest.fixture
def desk(shared_desk, db, tmp_path) -> Desk:
    built, files = shared_desk
    copy_files(files, tmp_path)
    return built


# The values that broke pages (or would on PostgreSQL), sent in every parameter of every page in turn.
SWEEP = ["\x00", "\ud800", "²", "٣", str(10**40), "9" * 5000, "1e999", "sNaN", "\x1b"]


def test_every_page_refuses_each_hostile_value_in_every_parameter(desk):
    """Deterministic, so that no known class of input is left to chance: each value in every key a page reads
    (in the query and the form at once) and in each of its path parameters, for a role the page answers. Every
    failure is collected, so that one run names them all."""
    failures: list[str] = []

    def send(target: Target, role: str, path: str, pairs: str) -> None:
        try:
            # A post carries the pairs in its query too; a page that takes no post is asked with a get.
            if desk.check(target, role, "post", path, pairs, pairs) == 405:
                desk.check(target, role, "get", path, pairs, "")
        except Exception as error:  # every failure is reported at the end
            failures.append(
                f"{target.name} as {role}: {path[:80]} ?{pairs[:80]}: {type(error).__name__}: {error!s:.160}"
            )

    for target in desk.web:
        role = (desk.reaching.get(target.name) or ["own_city"])[0]
        path = desk.valid_path(target)
        if path is None:
            continue
        keys = desk.read_keys(target)
        params = [p for pattern in target.segments if isinstance(pattern, RoutePattern) for p in pattern.converters]
        for value in SWEEP:
            pairs = _query([(key, value) for key in keys])
            send(target, role, path, pairs)
            for param in params:
                send(target, role, desk.valid_path(target, **{param: value}) or path, "")
    assert not failures, "\n".join(failures)


def test_no_hostile_input_makes_a_server_error_or_changes_a_row_when_refused(desk):
    """Random mixtures: a role, a URL of the whole URLconf (the admin's for staff), path values, query pairs
    and form pairs, keys repeated."""

    def roles_for(target: Target) -> st.SearchStrategy[str]:
        # Mostly someone the view answers (a refusal at the door reads nothing), sometimes anyone.
        usual = desk.reaching.get(target.name) or desk.everyone
        return st.one_of(st.sampled_from(usual), st.sampled_from(usual), st.sampled_from(desk.everyone))

    def request_strategy(pool: list[Target]) -> st.SearchStrategy[tuple[Any, ...]]:
        def for_target(target: Target) -> st.SearchStrategy[tuple[Any, ...]]:
            read = desk.read_keys(target)
            return st.tuples(
                st.just(target),
                st.just(STAFF) if target.admin else roles_for(target),
                st.sampled_from(["get", "post"]),
                _path_strategy(target, desk.path_values.get(target.name, [])),
                _pairs(read),
                _pairs(read),
            )

        return st.sampled_from(pool).flatmap(for_target)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(st.one_of(request_strategy(desk.web), request_strategy(desk.web), request_strategy(desk.admin)))
    def probe(drawn: tuple[Any, ...]) -> None:
        target, role, method, path, query, form = drawn
        desk.check(target, role, method, path, _query(query), _query(form))

    probe()


def test_an_id_in_a_path_is_at_most_eighteen_digits(client):
    """Django's int converter takes any length; a longer number would overflow the database's integer, so the
    desk's id converter makes it no URL at all."""
    from tests.factories import management

    client.force_login(management())
    for path in ("/experts/10000000000000000000000000000000000000000/", "/people/1234567890123456789/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/people/123456789012345678/").status_code == 404  # 18 digits: an id, of nobody
