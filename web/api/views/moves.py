"""A request's lifecycle moves: the ones the caller may make now (the page's buttons, with the page's forms), and
making one.

The list is ``workflows.selectors.available_transitions``, the same check chain as the page's buttons; each move's
fields come from the page's own form (``web.forms.moves.MoveForm``), so the API and the page never differ. Making a
move asks the chain first (a refused move is 422 with its code whatever data was sent, as the page never shows a
form for a move it does not offer), then cleans the data with the same form and calls
``workflows.services.transition_perform``. The moves made on their own pages (choosing experts on the matching
page, a peer city on the peers page) take the same choices and checks as those pages.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, QueryDict
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.access import can
from helpdesk.models import SupportRequest, User
from helpdesk.selectors import request_for
from web import presenters
from web.api.base import DeskAPIView, caller, reveal
from web.api.errors import NON_FIELD
from web.api.schema import ERRORS
from web.api.serializers.moves import MoveDoneSerializer, MoveListSerializer
from web.api.serializers.requests import RequestSerializer
from web.forms.moves import APPLICATION_MOVES, CONFIRM, MoveForm, expert_choices, peer_choices
from web.forms.outcomes import IndicatorsField, IndicatorValuesField
from web.outcomes import PlannedTargets
from web.views.common import request_or_404
from workflows.checks import refusal
from workflows.errors import TransitionConflict
from workflows.facts import RequestFacts
from workflows.lifecycle import TRANSITION_SPECS
from workflows.matching import candidate_experts
from workflows.models import FundApplication
from workflows.peers import peer_suggestions
from workflows.selectors import available_transitions, expected_move, pending_application
from workflows.services import transition_perform
from workflows.spec import Kind, TransitionSpec

# The state the caller decided in (optional): if the request has moved since, the answer is 409, as on the page.
FROM_STATE = "from_state"


def made_on(spec: TransitionSpec) -> str:
    if spec.chooses_experts:
        return "matching"
    if spec.chooses_peer:
        return "peers"
    return "request"


def move_form(
    spec: TransitionSpec,
    support_request: SupportRequest,
    user: User,
    data: Any = None,
    *,
    application: FundApplication | None = None,
    planned: PlannedTargets | None = None,
) -> MoveForm:
    """The form the page would show for ``spec``: the matching page's candidates for a choice of experts, the
    peers page's suggested cities for a peer city (none for a caller those pages are closed to)."""
    experts: list[tuple[int, str]] = []
    peers: list[tuple[int, str]] = []
    if spec.chooses_experts and can(user, "match_experts", support_request):
        experts = expert_choices(candidate_experts(support_request))
    if spec.chooses_peer and can(user, "propose_introduction", support_request):
        peers = peer_choices(peer_suggestions(support_request))
    return MoveForm(
        spec,
        support_request,
        data,
        expert_choices=experts,
        peer_choices=peers,
        application=application,
        planned=planned,
    )


def _plain(value: Any) -> Any:
    """A form's value as JSON holds it (amounts and dates as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _choices(field: forms.Field) -> list[dict[str, Any]] | None:
    if isinstance(field, IndicatorsField):
        return [{"value": i.pk, "label": i.localized_name} for i in field.catalogue()]
    if isinstance(field, IndicatorValuesField):
        return [{"value": t.indicator_id, "label": t.indicator.localized_name} for t in field.targets()]
    if isinstance(field, forms.ChoiceField):
        return [
            {"value": _plain(value), "label": str(label)}
            for value, label in cast(Iterable[tuple[Any, Any]], field.choices)
        ]
    return None


def form_fields(form: MoveForm) -> list[dict[str, Any]]:
    """The form's fields as the page renders them: what each takes, its words, its choices and pre-filled value."""
    kinds = {f.name: str(f.kind) for f in form.spec.fields}
    return [
        {
            "name": name,
            "type": kinds.get(name, CONFIRM),
            "required": field.required,
            "label": str(field.label or ""),
            "help_text": str(field.help_text or ""),
            "choices": _choices(field),
            "initial": _plain(form[name].initial),
        }
        for name, field in form.fields.items()
    ]


def move_entry(form: MoveForm, expected: bool) -> dict[str, Any]:
    spec = form.spec
    consequence = form.consequence() if spec.consequence else None
    return {
        "name": spec.name,
        "label": str(spec.label),
        "tone": str(spec.tone),
        "target_state": spec.target,
        "irreversible": spec.irreversible,
        # The page's sentence is HTML (the amount and the city marked up): the API gives its text.
        "consequence": html.unescape(strip_tags(consequence)) if consequence is not None else None,
        "expected": expected,
        "made_on": made_on(spec),
        "fields": form_fields(form),
    }


def _rows(name: str, value: Any, keys: Iterable[str]) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise exceptions.ValidationError(
            {name: [_("Send a list of objects with %(keys)s.") % {"keys": ", ".join(keys)}]}
        )
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def form_data(spec: TransitionSpec, payload: Mapping[str, Any]) -> QueryDict:
    """A JSON body as the page's form posts it, so the same form cleans it (``MoveFieldSerializer.type`` says
    what each kind takes)."""
    data = QueryDict(mutable=True)
    for field in spec.fields:
        name, value = field.name, payload.get(field.name)
        if value is None:
            continue
        if field.kind is Kind.EXPERTS:
            ids = value if isinstance(value, list) else [value]
            data.setlist(name, [_text(v) for v in ids])
        elif field.kind is Kind.BUDGET_LINES:
            for index, row in enumerate(_rows(name, value, ("item", "amount"))):
                data[f"{name}-{index}-item"] = _text(row.get("item"))
                data[f"{name}-{index}-amount"] = _text(row.get("amount"))
        elif field.kind is Kind.INDICATORS:
            rows = _rows(name, value, ("indicator", "baseline", "target"))
            data.setlist(name, [_text(row.get("indicator")) for row in rows])
            for row in rows:
                for figure in ("baseline", "target"):
                    data[f"{name}-{_text(row.get('indicator'))}-{figure}"] = _text(row.get(figure))
        elif field.kind is Kind.INDICATOR_VALUES:
            for row in _rows(name, value, ("indicator", "value")):
                data[f"{name}-{_text(row.get('indicator'))}"] = _text(row.get("value"))
        elif field.kind is Kind.YES_NO and isinstance(value, bool):
            data[name] = "yes" if value else "no"
        elif isinstance(value, list | dict):
            raise exceptions.ValidationError({name: [_("Send one value.")]})
        else:
            data[name] = _text(value)
    if CONFIRM in payload:
        data[CONFIRM] = _text(payload[CONFIRM])
    return data


class RequestMoves(DeskAPIView):
    @extend_schema(
        operation_id="requests_moves_list",
        summary="The moves the caller may make now",
        description="Exactly the request page's buttons (the lifecycle's check chain), each with the data its "
        "form asks for: the same fields, words, choices and pre-filled values as the page. A move made on the "
        "matching page (choosing experts) or the peers page (a peer city) lists that page's choices.",
        responses={200: MoveListSerializer, **ERRORS(401, 404)},
        tags=["moves"],
    )
    def get(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference)
        facts = RequestFacts(support_request)
        moves = available_transitions(support_request, user, facts=facts)
        # A draft's expected step is to finish it (the page's own button above the moves).
        expected = None if can(user, "edit_draft", support_request) else expected_move(support_request, moves)
        needs_application = any(spec.name in APPLICATION_MOVES for spec in moves)
        application = pending_application(support_request) if needs_application else None
        planned = PlannedTargets(support_request)
        entries = []
        for spec in moves:
            form = move_form(
                spec,
                support_request,
                user,
                application=application if spec.name in APPLICATION_MOVES else None,
                planned=planned,
            )
            entries.append(move_entry(form, spec is expected))
        return Response({"reference": support_request.reference, "state": support_request.state, "moves": entries})


class RequestMovePerform(DeskAPIView):
    @extend_schema(
        operation_id="requests_moves_perform",
        summary="Make one move",
        description="The data is the move's fields (see the moves list), as JSON or as a form. A move not allowed "
        "now is refused with its code (422) before the data is read; data the form refuses is 400 with each field; "
        f"`{FROM_STATE}` (optional) is the state the caller decided in: if the request has moved since, or "
        "someone moves it first, 409. An unknown move, or one only the desk itself makes, is 404.",
        request={"application/json": OpenApiTypes.OBJECT, "application/x-www-form-urlencoded": OpenApiTypes.OBJECT},
        responses={200: MoveDoneSerializer, **ERRORS(400, 401, 404, 409, 422)},
        examples=[
            OpenApiExample("Decline", value={"reason": "Out of the network's scope.", "confirm": True}),
            OpenApiExample(
                "Propose experts", value={"experts": [12, 15], "indicators": [{"indicator": 3, "target": "40"}]}
            ),
        ],
        tags=["moves"],
    )
    def post(self, request: Request, reference: str, name: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference, for_page=False)
        spec = TRANSITION_SPECS.get(name)
        if spec is None or spec.system_only:
            raise Http404
        # The matching and peers pages are closed to whoever may not choose there: so is their move.
        if (spec.chooses_experts and not can(user, "match_experts", support_request)) or (
            spec.chooses_peer and not can(user, "propose_introduction", support_request)
        ):
            raise Http404
        payload = request.data
        seen = payload.get(FROM_STATE) if hasattr(payload, "get") else None
        if seen and seen != support_request.state:
            raise TransitionConflict()
        refused = refusal(spec, RequestFacts(support_request), user)
        if refused is not None:
            raise refused
        if isinstance(payload, QueryDict):
            data = payload
        elif isinstance(payload, dict):
            data = form_data(spec, payload)
        else:
            raise exceptions.ValidationError(_("Send an object of the move's fields."))
        application = pending_application(support_request) if spec.name in APPLICATION_MOVES else None
        form = move_form(spec, support_request, user, data, application=application)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    NON_FIELD if field == "__all__" else field: [str(m) for m in errors]
                    for field, errors in form.errors.items()
                }
            )
        transition_perform(request=support_request, transition=spec.name, actor=user, data=form.move_data())
        after = request_for(user, reference)
        shown = None
        if after is not None:
            view = presenters.request_view(after, user)
            shown = RequestSerializer(view).data
            reveal(request, presenters.reveals(view))
        return Response({"move": spec.name, "detail": _("Done: %(move)s.") % {"move": spec.label}, "request": shown})
