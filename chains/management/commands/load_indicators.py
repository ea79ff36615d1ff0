from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from chains.figures.services import indicators_load
from chains.management.loading import (
    add_load_arguments,
    load_options,
    write_already_loaded,
    write_changes,
    write_outcome,
)

DEFAULT = Path(settings.BASE_DIR) / "fixtures" / "indicators.json"


class Command(BaseCommand):
    help = (
        "Load the statistics indicators (工业总产值, 营业收入 …) from a JSON file, only into an "
        "empty table (first boot); --replace overwrites them by code, shows and records what "
        "changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT))
        add_load_arguments(parser)

    def handle(self, *args, file, replace, dry_run, user, **options):
        load = load_options(replace=replace, dry_run=dry_run, user=user, command="load_indicators")
        report = indicators_load(file, load=load)
        if report.already_loaded:
            write_already_loaded(self, what="统计指标", existing=report.existing, unit="个指标")
            return
        write_changes(self, report)
        write_outcome(self, report, what="统计指标", file=file, dry_run=dry_run)
