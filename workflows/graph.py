"""The state diagram, drawn from the machine itself: the transitions django-fsm collected on the proxy.

Rendered as Graphviz DOT (``docs/workflow.dot``) or Mermaid (the README); both are plain text, so no
Graphviz binary is needed, and tests compare the committed copies with a fresh rendering.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Choices
from django_fsm import State

from workflows.lifecycle import STATES
from workflows.machine import machine_transitions


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    names: tuple[str, ...]

    @property
    def keeps_state(self) -> bool:
        return self.source == self.target


def edges() -> list[Edge]:
    """One edge per (source, target), naming every transition that takes it, in the table's order."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for transition in machine_transitions():
        # django-fsm annotates a Transition's target as a plain state, but keeps what @transition was given: a State
        # when the method returns the new state, None when the state stays.
        target: str | int | Choices | State | None = transition.target
        if isinstance(target, State):
            targets = list(target.allowed_states)
        elif target is None:
            targets = [transition.source]
        else:
            targets = [target]
        for state in targets:
            names = grouped.setdefault((str(transition.source), str(state)), [])
            if transition.name not in names:
                names.append(transition.name)
    return [Edge(source, target, tuple(names)) for (source, target), names in grouped.items()]


def render_dot() -> str:
    lines = [
        "// The request lifecycle, drawn from workflows.machine by `manage.py graph_workflow`. Do not edit.",
        "digraph request_lifecycle {",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        "  start [shape=point];",
    ]
    for state in STATES:
        extra = ", peripheries=2" if state.is_terminal else ""
        lines.append(f'  {state.name} [label="{state.name}"{extra}];')
    lines.append("  start -> draft;")
    for edge in edges():
        style = ", style=dashed" if edge.keeps_state else ""
        lines.append(f'  {edge.source} -> {edge.target} [label="{", ".join(edge.names)}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for edge in edges():
        lines.append(f"    {edge.source} --> {edge.target}: {', '.join(edge.names)}")
    lines += [f"    {state.name} --> [*]" for state in STATES if state.is_terminal]
    return "\n".join(lines) + "\n"


RENDERERS = {"dot": render_dot, "mermaid": render_mermaid}
