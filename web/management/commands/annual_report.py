"""``manage.py annual_report --year 2026 --output report.xlsx``: a report as an Excel workbook.

The annual report to the steering committee, or with ``--source <code>`` the grant report of one funding
source's fiscal year; the same tables as the pages (``web.reports_xlsx``), labels in ``--language``. The file is
the steering committee's copy, small counts suppressed, unless ``--full`` asks for the management unit's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from web.downloads import workbook_bytes
from web.reports_xlsx import annual_tables, grant_tables
from workflows.models import FundingSource
from workflows.reports import annual_report, annual_report_suppressed, grant_report, grant_report_suppressed


class Command(BaseCommand):
    help = "Write the annual report (or, with --source, a donor's grant report) as an Excel workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Calendar year (annual) or fiscal year (grants).")
        parser.add_argument("--source", help="A funding source's code: its grant report instead of the annual one.")
        parser.add_argument("--format", choices=["xlsx"], default="xlsx")
        parser.add_argument("--output", required=True, help="Where to write the file.")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="en")
        parser.add_argument(
            "--full", action="store_true", help="Every count as it is (the management unit's copy), none suppressed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("Give a year from 2000 to 2100.")
        with translation.override(options["language"]):
            if options["source"]:
                source = FundingSource.objects.filter(code=options["source"]).first()
                if source is None:
                    raise CommandError(f"No funding source has the code {options['source']!r}.")
                grants = grant_report(source, year)
                tables = grant_tables(grants if options["full"] else grant_report_suppressed(grants))
            else:
                annual = annual_report(year)
                tables = annual_tables(annual if options["full"] else annual_report_suppressed(annual))
            content = workbook_bytes(tables)
        Path(options["output"]).write_bytes(content)
        self.stdout.write(f"Wrote {options['output']} ({len(tables)} sheets).")
