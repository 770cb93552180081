"""The desk's only hand-written markup: the places where Django's templates made a page miss its target.

Pages render with templates; these exceptions exist because ``make bench`` at 100,000 requests showed the
page more than ten times slower than a bare signed-in request without them (``docs/performance.md``):

- ``FastSelect``: the queue's filter bar offers a hub's cities, countries and colleagues (hundreds of
  options). Django renders every option through its own template: 14 ms of a 24 ms queue page, against
  0.3 ms here.
- ``message_articles``: a request page shows a page of messages (the newest 30 of the benchmark request's 55).
  The template loop cost 1.8 ms; here 0.4 ms.
- ``queue_lines``: the lines of the hub's queue, the desk's busiest page (25 per page): 1.7 ms as a template
  loop, 0.3 ms here.
- ``timeline_messages``: a line per message in the request page's timeline (30 on the benchmark's request):
  0.69 ms as a template loop, 0.36 ms here (the articles it replaced there cost 0.42 ms).

Each writes exactly what its plain counterpart writes, character for character: ``tests/web/test_fast.py``
compares ``FastSelect`` with Django's ``Select``, ``message_articles`` with
``templates/web/requests/messages.html``, ``queue_lines`` with ``templates/web/hub/queue_rows.html`` and
``timeline_messages`` with ``templates/web/requests/timeline_messages.html``, for every case they render.
Every value is escaped (``_escape``: what Django's ``escape`` writes) or is already safe HTML from the
presenter; nothing else here decides anything.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.template.defaultfilters import filesizeformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from web.lists.queue import QueueRow
from web.presenters import AttachmentView, MessageView
from web.templatetags.desk import local_time, state_badge
from web.timeline import Said


def _escape(value: object) -> str:
    """What ``django.utils.html.escape`` writes (it is ``html.escape`` of the text), without the lazy-argument
    wrapper Django puts around it: a queue page escapes some 600 values, and the wrapper cost more than the
    escaping."""
    return html.escape(str(value))


def _attributes(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html writes them: False leaves one out, True writes it bare.
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class FastSelect(forms.Select):
    """A select of flat (value, label) choices written in one pass; what ``forms.Select`` writes."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        wanted = set(self.format_value(value))
        options = []
        chosen = False  # as Django's: a single select marks only the first option that matches
        for option, label in self.choices:
            selected = str(option) in wanted and (not chosen or self.allow_multiple_selected)
            chosen = chosen or selected
            options.append(
                f'\n  <option value="{_escape(option)}"{" selected" if selected else ""}>{_escape(label)}</option>\n'
            )
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{_escape(name)}"{attributes}>{"".join(options)}\n</select>')  # all escaped


class FastChoiceField(forms.ChoiceField):
    """A choice among flat (value, label) pairs, shown with ``FastSelect`` (groups are not supported).

    Its choices are taken as the pairs they are: Django normalises every choice of a field each time a form is
    built (``django.utils.choices.normalize_choices``, recursively, for groups, callables and enums), which
    for the queue's filter bar (a hub's cities and countries, some 700 pairs) was 0.8 ms of every queue page
    and put the search over its target in ``make bench`` (10.15 x the floor). ``tests/web/test_fast.py``
    holds the result equal to a plain ``ChoiceField``'s.
    """

    widget = FastSelect

    @property
    def choices(self) -> list[tuple[Any, Any]]:
        return self._choices

    @choices.setter
    def choices(self, value: Any) -> None:
        pairs = [(key, label) for key, label in value]
        self._choices = self.widget.choices = pairs


RESTRICTED_MARK = " · {restricted}"
RELEASE_BUTTON = (
    '<div class="mt-1"><button form="release-form" name="message" value="{pk}" class="btn btn-sm btn-link p-0"'
    ' type="submit">{release}</button></div>'
)
ARTICLE = (
    '\n      <article class="message {visibility} mb-3" id="message-{pk}" aria-label="{aria_label}">'
    '<p class="small text-body-secondary mb-1"><span class="fw-semibold text-body"><bdi>{author}</bdi></span>'
    " · {posted} · {channel}{restricted}</p>"
    '<div class="rich-text{withheld}" dir="auto">{body}</div>{files}{release}</article>\n      '
)
FILES = '<ul class="file-list list-unstyled small mt-1 mb-0" aria-label="{label}">{items}</ul>'
FILE = '<li>{name} <span class="text-body-secondary">({size})</span></li>'
FILE_LINK = '<a href="{url}"><bdi>{name}</bdi></a>'
FILE_WITHHELD = '<bdi class="withheld">{name}</bdi>'


def _files(files: Sequence[AttachmentView], label: str) -> str:
    if not files:
        return ""
    items = "".join(
        FILE.format(
            name=FILE_LINK.format(url=_escape(a.download_url), name=_escape(a.name))
            if a.download_url
            else FILE_WITHHELD.format(name=_escape(a.name)),
            size=_escape(filesizeformat(a.size)),
        )
        for a in files
    )
    return FILES.format(label=label, items=items)


def message_articles(messages: Sequence[MessageView], *, can_release: bool) -> SafeString:
    """The messages of a request page, as ``templates/web/requests/messages.html`` writes them."""
    restricted = RESTRICTED_MARK.format(restricted=_escape(gettext("restricted")))
    release = _escape(gettext("Release this message"))
    files_label = _escape(gettext("Files sent with this message"))
    return mark_safe(  # every value below is escaped, or safe HTML the presenter cleaned
        "".join(
            ARTICLE.format(
                pk=m.pk,
                visibility=_escape(m.visibility),
                aria_label=_escape(m.aria_label),
                author=_escape(m.author_name),
                posted=local_time(m.created_at),
                channel=_escape(m.visibility_label),
                restricted=restricted if m.is_restricted else "",
                withheld=" withheld" if m.withheld else "",
                body=conditional_escape(m.body_html),
                files=_files(m.files, files_label),
                release=RELEASE_BUTTON.format(pk=m.pk, release=release) if m.is_restricted and can_release else "",
            )
            for m in messages
        )
    )


TIMELINE_LINE = '\n          <li><a href="{href}"><bdi>{author}</bdi> · {posted}</a> · {channel}{restricted}</li>'


def timeline_messages(messages: Sequence[Said]) -> SafeString:
    """The messages of a step of the timeline, as ``templates/web/requests/timeline_messages.html`` writes them."""
    restricted = RESTRICTED_MARK.format(restricted=_escape(gettext("restricted")))
    lines = "".join(
        TIMELINE_LINE.format(
            href=_escape(said.href),
            author=_escape(said.message.author_name),
            posted=local_time(said.message.created_at),
            channel=_escape(said.message.visibility_label),
            restricted=restricted if said.message.is_restricted else "",
        )
        for said in messages
    )
    return mark_safe(f'<ul class="list-unstyled small mb-0">{lines}</ul>')  # every value above is escaped


QUEUE_ROW = (
    "<tr{overdue_class}>\n"
    '    <td class="queue-pick">{pick}</td>\n'
    '    <td class="text-nowrap" data-label="{l_reference}"><a href="{url}">{reference}</a></td>\n'
    '    <td data-label="{l_title}"><bdi>{title}</bdi>{fund}{urgent}{fast_track}</td>\n'
    '    <td data-label="{l_city}"><bdi>{city}</bdi> '
    '<span class="text-body-secondary small"><bdi>{country}</bdi></span>{region}</td>\n'
    '    <td data-label="{l_state}"><span class="badge {badge}">{state}</span></td>\n'
    '    <td data-label="{l_kind}">{kind}</td>\n'
    '    <td data-label="{l_owner}">{owner}</td>\n'
    '    <td data-label="{l_deadline}">{deadline}</td>\n'
    "    <td>{take}</td>\n"
    "  </tr>\n"
)
REGION = '<br><span class="small text-body-secondary"><bdi>{region}</bdi></span>'
PICK = (
    '<input class="form-check-input" type="checkbox" name="r" value="{reference}" id="pick-{reference}">'
    '<label class="visually-hidden" for="pick-{reference}">{select} {reference} · {title}</label>'
)
URGENT = ' <span class="badge text-bg-danger">{label}</span>'
FAST_TRACK = ' <span class="badge fast-track">{label}</span>'
COUNTDOWN = '<span class="countdown{overdue}">{text}</span>'
TAKE_BUTTON = (
    '<button form="take-form" formaction="{url}" class="btn btn-sm btn-outline-primary" type="submit">{take}'
    '<span class="visually-hidden"> {reference}</span></button>'
)


def queue_lines(rows: Sequence[QueueRow], *, all_hubs: bool = False) -> SafeString:
    """The lines of the queue, as ``templates/web/hub/queue_rows.html`` writes them."""
    labels = {
        f"l_{key}": _escape(gettext(text))
        for key, text in (
            ("reference", "Reference"),
            ("title", "Title"),
            ("city", "City"),
            ("state", "State"),
            ("kind", "Kind"),
            ("owner", "Owner"),
            ("deadline", "Deadline"),
        )
    }
    fund = f' <span class="badge text-bg-light border">{_escape(gettext("fund"))}</span>'
    nobody = f'<span class="text-body-secondary">{_escape(gettext("nobody"))}</span>'
    overdue = f' <span class="overdue-flag">{_escape(gettext("overdue"))}</span>'
    take = _escape(gettext("Take"))
    select = _escape(gettext("Select"))
    fast_track = FAST_TRACK.format(label=_escape(gettext("Fast track")))
    lines = []
    for r in rows:
        if r.countdown:
            deadline = COUNTDOWN.format(overdue=" overdue-flag" if r.overdue else "", text=_escape(r.countdown))
        else:
            deadline = f"{local_time(r.due_at, 'date')}{overdue if r.overdue else ''}" if r.due_at else "—"
        reference, title = _escape(r.reference), _escape(r.title)
        lines.append(
            QUEUE_ROW.format(
                **labels,
                overdue_class=' class="overdue"' if r.overdue else "",
                pick=PICK.format(reference=reference, select=select, title=title) if r.selectable else "",
                url=_escape(r.url),
                reference=reference,
                title=title,
                fund=fund if r.asks_funding else "",
                urgent=URGENT.format(label=_escape(r.urgent_label)) if r.urgent_label else "",
                fast_track=fast_track if r.fast_track else "",
                city=_escape(r.city),
                country=_escape(r.country),
                region=REGION.format(region=_escape(r.region)) if all_hubs else "",
                badge=_escape(state_badge(r.state)),
                state=_escape(r.state_label),
                kind=_escape(r.kind_label),
                owner=f"<bdi>{_escape(r.owner)}</bdi>" if r.owner else nobody,
                deadline=deadline,
                take=(TAKE_BUTTON.format(url=_escape(r.take_url), take=take, reference=reference))
                if r.take_url
                else "",
            )
        )
    return mark_safe("".join(lines))  # every value above is escaped
