from django.core.management.base import BaseCommand

from reporting.assessment import DEFAULT_FILE, assessment_indicators_load


class Command(BaseCommand):
    help = (
        "Add the default indicators of the districts' assessment from a JSON file; an indicator "
        "is added only when none measures its metric yet, so an admin's weights are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        added, kept = assessment_indicators_load(file)
        self.stdout.write(self.style.SUCCESS(f"考核指标：新增 {added}，保留 {kept}。"))
