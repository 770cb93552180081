"""The long repeated blocks of the desk's pages, rendered in Python: the lines of a request list, a city's
own requests and the messages of a request.

Django's template engine costs about 6 µs per variable, tag or filter. A queue page of 25 lines and a
request page of 50 messages held ~900 of them each, which made those pages twice as slow as the rest
put together. Here each line is one ``str.format`` of values escaped with ``helpdesk.sanitize.escape_text`` (what
Django's ``escape`` does, without its lazy-string wrapper). The markup is the same the templates used; everything
around the loops stays in the templates.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from helpdesk.sanitize import escape_text
from web.presenters import CityRow, FundRow, InboxRow, MessageView, QueueRow
from web.templatetags.desk import city_phrase, state_badge, time_element

register = template.Library()


QUEUE_ROW = (
    "<tr{overdue_class}>"
    '<td class="text-nowrap" data-label="{l_reference}"><a href="{url}">{reference}</a></td>'
    '<td data-label="{l_title}">{title}{fund}{urgent}</td>'
    '<td data-label="{l_city}">{city} <span class="text-body-secondary small">{country}</span>{region}</td>'
    '<td data-label="{l_state}"><span class="badge {badge}">{state}</span></td>'
    '<td data-label="{l_kind}">{kind}</td>'
    '<td data-label="{l_owner}">{owner}</td>'
    '<td data-label="{l_deadline}">{deadline}</td>'
    "<td>{take}</td>"
    "</tr>\n"
)


@register.simple_tag
def queue_rows(rows: Sequence[QueueRow], *, all_hubs: bool = False, take_form: str = "") -> SafeString:
    """The ``<tr>`` lines of a request list. ``take_form`` is the id of the form the "Take" buttons submit
    (one form per page: each button names its request's address)."""
    labels = {
        "l_reference": escape_text(gettext("Reference")),
        "l_title": escape_text(gettext("Title")),
        "l_city": escape_text(gettext("City")),
        "l_state": escape_text(gettext("State")),
        "l_kind": escape_text(gettext("Kind")),
        "l_owner": escape_text(gettext("Owner")),
        "l_deadline": escape_text(gettext("Deadline")),
    }
    # Translated outside the f-strings: makemessages does not look inside them.
    fund_label, nobody_label, overdue_label = gettext("fund"), gettext("nobody"), gettext("overdue")
    fund = f' <span class="badge text-bg-light border">{escape_text(fund_label)}</span>'
    nobody = f'<span class="text-body-secondary">{escape_text(nobody_label)}</span>'
    overdue = f' <span class="overdue-flag">{escape_text(overdue_label)}</span>'
    take = escape_text(gettext("Take"))
    zone = timezone.get_current_timezone()
    lines = []
    for r in rows:
        deadline = "—"
        if r.due_at:
            deadline = time_element(r.due_at, "date", zone=zone) + (overdue if r.overdue else "")
        lines.append(
            QUEUE_ROW.format(
                **labels,
                overdue_class=' class="overdue"' if r.overdue else "",
                url=escape_text(r.url),
                reference=escape_text(r.reference),
                title=escape_text(r.title),
                fund=fund if r.asks_funding else "",
                urgent=f' <span class="badge text-bg-danger">{escape_text(r.urgent_label)}</span>'
                if r.urgent_label
                else "",
                city=escape_text(r.city),
                country=escape_text(r.country),
                region=(
                    f'<br><span class="small text-body-secondary">{escape_text(r.region)}</span>' if all_hubs else ""
                ),
                badge=escape_text(state_badge(r.state)),
                state=escape_text(r.state_label),
                kind=escape_text(r.kind_label),
                owner=escape_text(r.owner) if r.owner else nobody,
                deadline=deadline,
                take=(
                    f'<button form="{escape_text(take_form)}" formaction="{escape_text(r.take_url)}" class="btn btn-sm'
                    f' btn-outline-primary" type="submit">{take}<span class="visually-hidden">'
                    f" {escape_text(r.reference)}</span></button>"
                )
                if r.take_url and take_form
                else "",
            )
        )
    return mark_safe("".join(lines))  # every value above is escaped


MESSAGE = (
    '<article class="message {visibility} mb-3" aria-label="{aria}">'
    '<p class="small text-body-secondary mb-1"><span class="fw-semibold text-body">{author}</span> · {posted}'
    " · {channel}{restricted}</p>"
    '<div class="rich-text{withheld}">{body}</div>{release}'
    "</article>\n"
)


@register.simple_tag
def message_list(messages: Sequence[MessageView], *, release_form: str = "") -> SafeString:
    """The messages of a request page. ``release_form``: the id of the form that releases a restricted
    message (hub staff only; empty for everyone else), which each restricted message's button submits."""
    desk = gettext("The desk")
    restricted_label = gettext("restricted")
    restricted = f" · {escape_text(restricted_label)}"
    release = escape_text(gettext("Release this message"))
    # Translated and looked up once per page, not once per message.
    message_from = gettext("Message from %(who)s")
    zone = timezone.get_current_timezone()
    escaped: dict[str, str] = {}  # authors' names and channel labels repeat down the page
    lines = []
    for m in messages:
        author = m.author or desk
        if author not in escaped:
            escaped[author] = escape_text(author)
        lines.append(
            MESSAGE.format(
                visibility=escape_text(m.visibility),
                aria=escape_text(message_from % {"who": author}),
                author=escaped[author],
                posted=time_element(m.created_at, "datetime", zone=zone),
                channel=escape_text(m.visibility_label),
                restricted=restricted if m.is_restricted else "",
                withheld=" withheld" if m.withheld else "",
                # Already safe: sealed or cleaned rich text, or a translated placeholder (escaped here).
                body=m.body_html if isinstance(m.body_html, SafeString) else escape_text(m.body_html),
                release=(
                    f'<div class="mt-1"><button form="{escape_text(release_form)}" name="message" value="{m.pk}"'
                    f' class="btn btn-sm btn-link p-0" type="submit">{release}</button></div>'
                )
                if m.is_restricted and release_form
                else "",
            )
        )
    return mark_safe("".join(lines))  # every value above is escaped or already safe


CITY_ROW = (
    "<tr>"
    '<td class="text-nowrap" data-label="{l_reference}"><a href="{url}">{reference}</a></td>'
    '<td data-label="{l_title}">{title}{city}</td>'
    '<td data-label="{l_state}"><span class="badge {badge}">{state}</span> <span class="small">{phrase}</span></td>'
    '<td data-label="{l_deadline}">{deadline}</td>'
    '<td data-label="{l_changed}"><time datetime="{changed_iso}">{changed}</time></td>'
    "</tr>\n"
)
TITLE_CHARS = 90


@register.simple_tag
def city_request_rows(rows: Sequence[CityRow], *, multi_city: bool = False) -> SafeString:
    """The ``<tr>`` lines of a focal point's requests: where each stands, in the city's words."""
    labels = {
        "l_reference": escape_text(gettext("Reference")),
        "l_title": escape_text(gettext("Title")),
        "l_state": escape_text(gettext("Where it stands")),
        "l_deadline": escape_text(gettext("Deadline")),
        "l_changed": escape_text(gettext("Last change")),
    }
    zone = timezone.get_current_timezone()
    lines = []
    for r in rows:
        changed = r.updated_at.astimezone(zone)
        lines.append(
            CITY_ROW.format(
                **labels,
                url=escape_text(r.url),
                reference=escape_text(r.reference),
                title=escape_text(Truncator(r.title).chars(TITLE_CHARS)),
                city=f' <span class="small text-body-secondary">{escape_text(r.city)}</span>' if multi_city else "",
                badge=escape_text(state_badge(r.state)),
                state=escape_text(r.state_label),
                phrase=escape_text(city_phrase(r.state)),
                deadline=time_element(r.due_at, "date", zone=zone) if r.due_at else "—",
                changed_iso=escape_text(changed.isoformat()),
                changed=escape_text(naturaltime(r.updated_at)),
            )
        )
    return mark_safe("".join(lines))  # every value above is escaped


ATTENTION_ITEM = (
    '<li class="list-group-item d-flex flex-wrap gap-2 align-items-center">'
    '<a class="fw-semibold" href="{url}">{reference} · {title}</a>'
    '<span class="text-body-secondary">{phrase}</span>{deadline}'
    "</li>\n"
)


@register.simple_tag
def attention_items(rows: Sequence[CityRow]) -> SafeString:
    """The list items of a focal point's requests that wait for the city itself."""
    deadline_label = escape_text(gettext("Deadline:"))
    zone = timezone.get_current_timezone()

    def deadline(r: CityRow) -> str:
        if not r.due_at:
            return ""
        return f'<span class="ms-auto small">{deadline_label} {time_element(r.due_at, "date", zone=zone)}</span>'

    return mark_safe(  # every value below is escaped
        "".join(
            ATTENTION_ITEM.format(
                url=escape_text(r.url),
                reference=escape_text(r.reference),
                title=escape_text(Truncator(r.title).chars(TITLE_CHARS)),
                phrase=escape_text(city_phrase(r.state)),
                deadline=deadline(r),
            )
            for r in rows
        )
    )


INBOX_ITEM = (
    '<li class="list-group-item">'
    '<div class="d-flex flex-wrap gap-2 align-items-center">'
    '<a class="fw-semibold" href="{url}">{reference} · {title}</a>'
    '<span class="badge {badge}">{state}</span>'
    "</div>"
    '<div class="small text-body-secondary">{facts} · {proposed}</div>'
    "</li>\n"
)


@register.simple_tag
def inbox_items(rows: Sequence[InboxRow]) -> SafeString:
    """The list items of an expert's inbox (one group of it)."""
    proposed_on = escape_text(gettext("proposed on %(when)s"))
    zone = timezone.get_current_timezone()
    return mark_safe(  # every value below is escaped, the <time> element built from escaped parts
        "".join(
            INBOX_ITEM.format(
                url=escape_text(r.url),
                reference=escape_text(r.reference),
                title=escape_text(Truncator(r.title).chars(TITLE_CHARS)),
                badge=escape_text(state_badge(r.state)),
                state=escape_text(r.state_label),
                facts=escape_text(r.facts),
                proposed=proposed_on % {"when": time_element(r.proposed_at, "date", zone=zone)},
            )
            for r in rows
        )
    )


FUND_ROW = (
    "<tr{overdue_class}>"
    '<td data-label="{l_request}"><a class="text-nowrap" href="{url}">{reference}</a><br>'
    '<span class="small">{title}</span></td>'
    '<td data-label="{l_city}">{city} <span class="small text-body-secondary">{region}</span></td>'
    '<td data-label="{l_priority}">{priority}</td>'
    '<td class="text-end text-nowrap" data-label="{l_amount}">{amount} {currency}</td>'
    '<td data-label="{l_recommended}">{recommended}{first_approval}</td>'
    '<td data-label="{l_since}">{since}</td>'
    '<td><a class="btn btn-sm btn-primary" href="{url}#moves">{l_decide}'
    '<span class="visually-hidden"> {reference}</span></a></td>'
    "</tr>\n"
)
FUND_TITLE_CHARS = 70


@register.simple_tag
def fund_rows(rows: Sequence[FundRow]) -> SafeString:
    """The ``<tr>`` lines of the fund applications awaiting a decision."""
    labels = {
        "l_request": escape_text(gettext("Request")),
        "l_city": escape_text(gettext("City")),
        "l_priority": escape_text(gettext("Priority")),
        "l_amount": escape_text(gettext("Amount asked")),
        "l_recommended": escape_text(gettext("Recommended by")),
        "l_since": escape_text(gettext("Waiting since")),
        "l_decide": escape_text(gettext("Decide")),
    }
    first_approval = gettext("First approval: %(who)s")
    zone = timezone.get_current_timezone()
    lines = []
    for r in rows:
        approval = ""
        if r.first_approver:
            approval = f'<br><span class="small">{escape_text(first_approval % {"who": r.first_approver})}</span>'
        lines.append(
            FUND_ROW.format(
                **labels,
                overdue_class=' class="overdue"' if r.overdue else "",
                url=escape_text(r.url),
                reference=escape_text(r.reference),
                title=escape_text(Truncator(r.title).chars(FUND_TITLE_CHARS)),
                city=escape_text(r.city),
                region=escape_text(r.region),
                priority=escape_text(r.priority_label),
                amount=escape_text(number_format(r.amount, decimal_pos=2, use_l10n=True, force_grouping=True)),
                currency=escape_text(r.currency),
                recommended=escape_text(r.recommended_by or "—"),
                first_approval=approval,
                since=time_element(r.created_at, "date", zone=zone),
            )
        )
    return mark_safe("".join(lines))  # every value above is escaped
