from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from chains.services import indicators_load

DEFAULT = Path(settings.BASE_DIR) / "fixtures" / "indicators.json"


class Command(BaseCommand):
    help = "Load the statistics indicators (工业总产值, 营业收入 …) from a JSON file; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT))

    def handle(self, *args, file, **options):
        report = indicators_load(file)
        self.stdout.write(
            self.style.SUCCESS(
                f"指标：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。"
            )
        )
