"""`python manage.py build_report monthly 2026-10 -o FILE.pdf` (or `quarterly 2026-Q3`, or
`annual 2025`): gather and render the report now, with the same service the Celery task uses,
and write the PDF. Nothing is stored in the database."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.choices import ReportKind
from reporting.reports import services


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument("period", help="2026-10, 2026-Q3 or 2025")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")

    def handle(self, *args, kind, period, output, **options):
        try:
            target = services.parse_period(kind, period)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        start = time.perf_counter()
        pdf = services.build_pdf(target)
        path = Path(output)
        path.write_bytes(pdf)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {path}（{len(pdf) // 1024} KB，用时 {time.perf_counter() - start:.1f} 秒）。"
            )
        )
