"""A request's timeline for its page: what happened (the moves made, the messages the reader may read),
where it stands, what comes next; one page of it at a time.

What a move says comes from the lifecycle table: each move's line in the past tense (the event it announced),
what the current state waits for in the reader's words, and the states on the request's usual road. A message
is one line (who wrote it, when, on which channel) linking to it in the page's messages section, which shows
it in full: the story reads at a glance, and the page does not carry every message twice.

The page is bounded: the newest ``PAGE_SIZE`` entries, and a link to the earlier ones (a cursor in the
query string, so paging needs no script); the messages section pages the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlencode

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.access import readable_channels
from helpdesk.models import SupportRequest, User
from helpdesk.selectors import MessageCursor
from helpdesk.services.handover import TRAIL_LINES as PEOPLE_LINES
from web.presenters import MessageView, message_views
from workflows.lifecycle import STATE_SPECS, TRANSITION_SPECS
from workflows.peers import TRAIL_LINES
from workflows.selectors import TrailLine, road_ahead
from workflows.spec import Reader

# How many messages the messages section shows, and how many entries the timeline shows, per page: the
# request page costs the same with 50 messages or 5,000.
PAGE_SIZE = 30

Show = Literal["all", "moves", "messages"]
SHOWS: dict[str, Promise] = {"all": _("Everything"), "moves": _("Steps"), "messages": _("Messages")}

# A move's entry sorts before a message written at the same moment (the move's own comment comes after it).
MOVE, MESSAGE = 0, 1
# Cursors count microseconds in whole numbers (a float loses the last digits of today's timestamps).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, order=True)
class Cursor:
    """Where a page ends: the time, kind and id of the newest entry it leaves out (or, for a page of
    messages, of the oldest message shown). Written in a query string as ``<microseconds>.<kind>.<id>``."""

    at: datetime
    kind: int
    id: int

    def __str__(self) -> str:
        return f"{(self.at - EPOCH) // MICROSECOND}.{self.kind}.{self.id}"

    @classmethod
    def parse(cls, value: str | None) -> Cursor | None:
        """The cursor a link carried, or ``None`` (the newest page) for anything else."""
        parts = (value or "").split(".")
        if len(parts) != 3 or not all(part.isdecimal() and len(part) < 20 for part in parts):
            return None
        micros, kind, pk = (int(part) for part in parts)
        try:
            at = EPOCH + micros * MICROSECOND
        except OverflowError:
            return None
        return cls(at, kind, pk)

    @property
    def messages_before(self) -> MessageCursor:
        """The messages older than this cursor, as ``visible_message_lines`` takes it: at its moment, only a
        message with a lower id (a move at that moment sorts before every message of it)."""
        return (self.at, self.id if self.kind == MESSAGE else 0)


def message_cursor(message: MessageView) -> Cursor:
    return Cursor(message.created_at, MESSAGE, message.pk)


def through(message: MessageView) -> Cursor:
    """The cursor of the page of messages whose newest is ``message`` (those before it, and itself)."""
    return Cursor(message.created_at, MESSAGE, message.pk + 1)


@dataclass(frozen=True)
class Said:
    """A message in the timeline: its line, and where the page shows it in full."""

    message: MessageView
    href: str


def on_this_page(message: MessageView) -> str:
    return f"#message-{message.pk}"


@dataclass(frozen=True)
class Step:
    status: str  # "done" (a move made), "messages" (messages posted one after another), "current" or "next"
    label: str | Promise
    state_label: str | Promise
    actor: str | None = None
    at: datetime | None = None
    comment: str = ""
    waits_for: str | Promise = ""  # what the request waits for, in staff's words ("Waiting for ...")
    phrase: str | Promise = ""  # where it stands, in the city's or an expert's own words
    due_at: datetime | None = None
    # The messages of a "messages" step, oldest first, each a line linking to it in the messages section.
    messages: tuple[Said, ...] = ()
    # Where the page shows what the move wrote (a delivery report, an evaluation, a fund decision).
    anchor: str = ""
    anchor_label: str | Promise = ""


@dataclass(frozen=True)
class Timeline:
    steps: list[Step]
    show: Show
    earlier: Cursor | None  # where the next link back starts; None when nothing is earlier
    newest: bool  # the newest page (the current step and the road ahead are on it)

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)


def parse_show(value: str | None) -> Show:
    return value if value in ("moves", "messages") else "all"  # type: ignore[return-value]


def _done_line(line: TrailLine) -> str | Promise:
    spec = TRANSITION_SPECS.get(line.transition)
    if spec is None:
        # Not a move: a city's answer to a peer introduction, a focal point handover (the request stays put).
        known = TRAIL_LINES.get(line.transition) or PEOPLE_LINES.get(line.transition)
        return known if known is not None else line.transition
    return spec.announced(from_state=line.from_state, to_state=line.to_state, name=line.announced).line


def _move_steps(
    trail: list[TrailLine], channels: frozenset[str], *, show_actors: bool, anchors: dict[str, tuple[str, Promise]]
) -> list[tuple[Cursor, Step]]:
    steps = []
    for seq, line in enumerate(trail):
        spec = TRANSITION_SPECS.get(line.transition)
        shown = spec is not None and spec.comment_field and spec.comment_visibility in channels
        anchor, anchor_label = anchors.get(line.transition, ("", ""))
        steps.append(
            (
                Cursor(line.created_at, MOVE, seq),
                Step(
                    status="done",
                    label=_done_line(line),
                    state_label=STATE_SPECS[line.to_state].label if line.to_state in STATE_SPECS else line.to_state,
                    # A city's answer to a peer introduction names nobody: the other city may not know who yet.
                    actor=line.actor if show_actors and line.transition not in TRAIL_LINES else None,
                    at=line.created_at,
                    comment=line.comment if shown else "",
                    anchor=anchor,
                    anchor_label=anchor_label,
                ),
            )
        )
    return steps


def request_timeline(
    request: SupportRequest,
    trail: list[TrailLine],
    channels: frozenset[str],
    *,
    reader: Reader = "staff",
    show_actors: bool = True,
    messages: list[MessageView] | None = None,
    anchors: dict[str, tuple[str, Promise]] | None = None,
    show: Show = "all",
    before: Cursor | None = None,
    page_size: int = PAGE_SIZE,
    message_href: Callable[[MessageView], str] = on_this_page,
) -> Timeline:
    """One page of the request's story: the moves made with who and when (``trail``:
    ``workflows.selectors.trail_lines``) and the messages (``messages``: the newest ``page_size + 1`` the
    reader may read before ``before``), newest page first; on the newest page, the current state with what
    it waits for and its deadline, then the states ahead on the usual road. ``show``: everything, the steps
    only, or the messages only. ``anchors``: for a move, where the page shows what it wrote;
    ``message_href``: for a message, where the page shows it in full.

    The current state is told in ``reader``'s words (the lifecycle table's phrase for them). A move's comment
    is shown only to people who read the channel it was addressed to; an expert reading the brief is not told
    who acted (a focal point's name can point to an anonymous city).
    """
    entries: list[tuple[Cursor, Step]] = []
    if show != "messages":
        entries += _move_steps(trail, channels, show_actors=show_actors, anchors=anchors or {})
    if show != "moves":
        entries += [
            (
                message_cursor(message),
                Step(status="messages", label="", state_label="", messages=(Said(message, message_href(message)),)),
            )
            for message in messages or []
        ]
    entries = sorted((e for e in entries if before is None or e[0] < before), key=lambda e: e[0])
    earlier = None
    if len(entries) > page_size:
        entries = entries[-page_size:]
        earlier = entries[0][0]
    steps: list[Step] = []
    for _key, step in entries:
        if step.messages and steps and steps[-1].messages:
            steps[-1] = replace(steps[-1], messages=steps[-1].messages + step.messages)
        else:
            steps.append(step)
    newest = before is None
    if newest and show != "messages":
        steps += _road(request, reader)
    return Timeline(steps=steps, show=show, earlier=earlier, newest=newest)


def _road(request: SupportRequest, reader: Reader) -> list[Step]:
    current = STATE_SPECS[request.state]
    steps = [
        Step(
            status="current",
            label=current.label,
            state_label=current.label,
            waits_for=current.phrases.staff if reader == "staff" and not current.is_terminal else "",
            # The city's and an expert's phrase is a whole sentence that names the state itself.
            phrase=current.phrases.of(reader) if reader != "staff" else "",
            due_at=request.due_at if not current.is_terminal else None,
        )
    ]
    if not current.is_terminal:
        steps += [
            Step(status="next", label=STATE_SPECS[name].label, state_label=STATE_SPECS[name].label)
            for name in road_ahead(request)
        ]
    return steps


@dataclass(frozen=True)
class MessagePage:
    """One page of a request's messages for its messages section: the newest ``PAGE_SIZE`` before a cursor."""

    messages: list[MessageView]  # shown, oldest first
    read: list[MessageView]  # as read: one more than a page when there are earlier ones (the timeline's too)
    earlier: Cursor | None  # where the link to earlier messages starts; None when nothing is earlier
    newest: bool


def message_page(
    request: SupportRequest, user: User, *, before: Cursor | None = None, page_size: int = PAGE_SIZE
) -> MessagePage:
    """The newest ``page_size`` messages ``user`` reads on ``request`` before ``before``, in one query."""
    read = message_views(
        request, user, limit=page_size + 1, before=before.messages_before if before is not None else None
    )
    shown = read[-page_size:]
    earlier = message_cursor(shown[0]) if len(read) > page_size else None
    return MessagePage(messages=shown, read=read, earlier=earlier, newest=before is None)


@dataclass(frozen=True)
class StoryPages:
    """What a request page shows of its history: one page of messages and one page of the timeline."""

    messages: MessagePage
    timeline: Timeline

    @property
    def shown_messages(self) -> list[MessageView]:
        """The messages the page shows in full (the access log records what it revealed): the messages
        section's; the timeline names their authors and times only."""
        return self.messages.messages


def story_pages(
    request: SupportRequest,
    user: User,
    query: Mapping[str, str],
    *,
    trail: list[TrailLine],
    reader: Reader,
    show_actors: bool,
    anchors: dict[str, tuple[str, Promise]],
) -> StoryPages:
    """The pages of messages and timeline that ``query`` asks for (``before``; ``timeline`` and
    ``timeline_before``), the newest when it asks for nothing (or for what no link makes): one read of
    messages when both show the newest, two otherwise. A message of the timeline links to it in the messages
    section, on this page or, when the section shows other messages, on the page of messages it is on."""
    shown = message_page(request, user, before=Cursor.parse(query.get("before")))
    in_section = {m.pk for m in shown.messages}

    def message_href(message: MessageView) -> str:
        if message.pk in in_section:
            return on_this_page(message)
        # ``items()``: one value per key, also of a QueryDict (whose own copy holds lists).
        return "?" + urlencode({**dict(query.items()), "before": str(through(message))}) + on_this_page(message)

    show = parse_show(query.get("timeline"))
    before = Cursor.parse(query.get("timeline_before"))
    messages: list[MessageView] = []
    if show != "moves":
        messages = shown.read if shown.newest and before is None else message_page(request, user, before=before).read
    timeline = request_timeline(
        request,
        trail,
        readable_channels(user, request),
        reader=reader,
        show_actors=show_actors,
        messages=messages,
        anchors=anchors,
        show=show,
        before=before,
        message_href=message_href,
    )
    return StoryPages(messages=shown, timeline=timeline)
