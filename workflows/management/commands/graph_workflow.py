"""Draw the request lifecycle from the machine (DOT or Mermaid), to standard output or a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from workflows.graph import RENDERERS


class Command(BaseCommand):
    help = "Write the request lifecycle's state diagram, drawn from the django-fsm machine itself."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(RENDERERS), default="dot", help="dot (Graphviz) or mermaid.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: object, **options: object) -> None:
        text = RENDERERS[str(options["format"])]()
        output = options.get("output")
        if output:
            Path(str(output)).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {output}.")
        else:
            self.stdout.write(text, ending="")
