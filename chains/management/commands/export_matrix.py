import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from chains.matrix.io import FORMATS, matrix_export


class Command(BaseCommand):
    help = "Write the matrix, one row per industry: category, industry, lead_officials, lead_units, responsible_units."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("-o", "--output", help="File to write; standard output when omitted.")

    def handle(self, *args, format, output, **options):
        data = matrix_export(format)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(self.style.SUCCESS(f"已导出到 {output}"))
        elif format == "xlsx":
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
