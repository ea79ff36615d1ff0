from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chains.management.loading import (
    add_load_arguments,
    load_options,
    write_already_loaded,
    write_changes,
    write_outcome,
)
from chains.quality.services import rules_load

DEFAULT = Path(settings.BASE_DIR) / "fixtures" / "validation_rules.json"


class Command(BaseCommand):
    help = (
        "Load the default validation rules (累计 ≥ 当月 …) and outlier thresholds of the "
        "statistics from a JSON file, only into empty tables (first boot); --replace overwrites "
        "them by code, shows and records what changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT))
        add_load_arguments(parser)

    def handle(self, *args, file, replace, dry_run, user, **options):
        load = load_options(
            replace=replace, dry_run=dry_run, user=user, command="load_validation_rules"
        )
        report = rules_load(file, load=load)
        if report.errors:
            raise CommandError("；".join(report.errors))
        if report.already_loaded:
            write_already_loaded(
                self, what="校验规则", existing=report.existing, unit="条规则、阈值和产业主要指标"
            )
            return
        write_changes(self, report)
        write_outcome(self, report, what="校验规则", file=file, dry_run=dry_run)
