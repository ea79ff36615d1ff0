from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chains.management.loading import (
    add_load_arguments,
    load_options,
    write_already_loaded,
    write_changes,
    write_outcome,
)
from reporting.assessment.indicators import DEFAULT_FILE, assessment_indicators_load


class Command(BaseCommand):
    help = (
        "Load the default indicators of the districts' assessment from a JSON file, only into an "
        "empty table (first boot), so an admin's weights are kept; --replace overwrites the "
        "indicators measuring the file's metrics, shows and records what changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
        add_load_arguments(parser)

    def handle(self, *args, file, replace, dry_run, user, **options):
        load = load_options(
            replace=replace, dry_run=dry_run, user=user, command="load_assessment_indicators"
        )
        try:
            report = assessment_indicators_load(file, load=load)
        except ValidationError as exc:
            raise CommandError(f"{' '.join(exc.messages)}（未做任何更改）") from exc
        if report.already_loaded:
            write_already_loaded(self, what="考核指标", existing=report.existing, unit="个指标")
            return
        write_changes(self, report)
        write_outcome(self, report, what="考核指标", file=file, dry_run=dry_run)
