"""The diagram is drawn from the machine, and the committed copies (README, docs/workflow.dot) equal it."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from workflows.graph import edges
from workflows.lifecycle import STATES, TRANSITIONS

README = Path(settings.BASE_DIR) / "README.md"
DOT = Path(settings.BASE_DIR) / "docs" / "workflow.dot"


def _command(*args: str) -> str:
    out = StringIO()
    call_command("graph_workflow", *args, stdout=out)
    return out.getvalue()


def test_the_readme_shows_the_diagram_the_machine_draws():
    block = re.search(
        r"<!-- workflow-diagram:start -->\n```mermaid\n(.*?)```\n<!-- workflow-diagram:end -->",
        README.read_text(encoding="utf-8"),
        re.DOTALL,
    )

    assert block, "README.md lost its workflow diagram markers"
    assert block.group(1) == _command("--format", "mermaid")


def test_the_committed_dot_file_is_the_machines_diagram():
    assert DOT.read_text(encoding="utf-8") == _command("--format", "dot")


def test_the_command_writes_a_file(tmp_path):
    target = tmp_path / "lifecycle.dot"

    out = _command("--output", str(target))

    assert target.read_text(encoding="utf-8").startswith("// The request lifecycle")
    assert str(target) in out


def test_every_move_and_state_of_the_table_is_drawn():
    drawn = {name for edge in edges() for name in edge.names}
    dot = _command()

    assert drawn == {spec.name for spec in TRANSITIONS}
    for state in STATES:
        assert f"  {state.name} [label=" in dot
    for spec in TRANSITIONS:
        for source in spec.sources:
            for target in spec.targets if spec.target is not None else (source,):
                assert any(e.source == source and e.target == target and spec.name in e.names for e in edges())
