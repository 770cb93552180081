"""Walk the audit trail's hash chains and report every broken one (exit code 1 if any)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.models import SupportRequest
from workflows.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the lifecycle audit trail: every row's hash and every chain's links. Exits 1 on any break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("references", nargs="*", help="Only these requests (by reference).")

    def handle(self, *args: object, references: list[str] | None, **options: object) -> None:
        references = list(references or [])
        request_ids = None
        if references:
            request_ids = list(SupportRequest.objects.filter(reference__in=references).values_list("pk", flat=True))
            if len(request_ids) != len(set(references)):
                raise CommandError("Unknown request reference among: " + ", ".join(references))
        report = audit_verify(request_ids=request_ids)
        for link in report.broken:
            self.stderr.write(f"BROKEN {link}")
        if not report.intact:
            raise CommandError(
                f"{len(report.broken_chains)} of {report.chains} chains broken ({len(report.broken)} problems)."
            )
        self.stdout.write(f"Audit trail intact: {report.rows} rows in {report.chains} chains.")
