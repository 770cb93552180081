"""The state machine: a proxy of ``SupportRequest`` whose django-fsm transitions are generated from the table.

The concrete model owns the protected ``state`` column and the optimistic lock; this proxy owns the moves.
Each generated method only changes the state: it is called by ``workflows.services.transition_perform`` once
the move's check chain (``workflows.checks``) let it through and its handler ran, with the state the handler
ended in (for the move that may stay put). django-fsm checks nothing else, so no rule is decided twice.

django-fsm collects a proxy's transitions when the class is prepared, so
``RequestLifecycle._meta.get_field("state").get_all_transitions(RequestLifecycle)`` lists exactly the table's
moves, and ``graph_workflow`` draws them from there. The module is imported by ``WorkflowsConfig.ready`` (it
reads the table, whose handlers use this app's models, so ``workflows.models`` cannot import it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, Transition, transition

from helpdesk.models import SupportRequest
from workflows.lifecycle import TRANSITIONS
from workflows.spec import TransitionSpec


def _transition_method(spec: TransitionSpec) -> Callable[..., Any]:
    def method(self: SupportRequest, outcome: str | None = None) -> str | None:
        return outcome

    method.__name__ = spec.name
    method.__qualname__ = f"RequestLifecycle.{spec.name}"
    method.__doc__ = f"{spec.label} ({', '.join(spec.sources)} → {spec.target or 'same state'})."
    target = RETURN_VALUE(*spec.targets) if spec.may_stay else spec.target
    return transition(field="state", source=list(spec.sources), target=target, custom={"spec": spec})(method)


class _Meta:
    proxy = True
    app_label = "workflows"
    verbose_name = _("request lifecycle")
    verbose_name_plural = _("request lifecycles")


# Built with type() because django-fsm collects transitions when the class is prepared: the generated
# methods must be in the class namespace at creation, not added afterwards.
RequestLifecycle: type[SupportRequest] = type(
    "RequestLifecycle",
    (SupportRequest,),
    {
        "__module__": __name__,
        "__doc__": "A support request seen as a state machine; load it to move a request, never to list requests.",
        "__qualname__": "RequestLifecycle",
        "Meta": _Meta,
        **{spec.name: _transition_method(spec) for spec in TRANSITIONS},
    },
)


def machine_transitions() -> list[Transition]:
    """Every (source, target) edge django-fsm collected on the machine, in the table's order."""
    field = RequestLifecycle._meta.get_field("state")
    methods = field.transitions[RequestLifecycle]
    edges: list[Transition] = []
    for spec in TRANSITIONS:
        edges.extend(methods[spec.name]._django_fsm.transitions.values())
    return edges
