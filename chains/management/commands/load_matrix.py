from django.core.management.base import BaseCommand, CommandError

from chains.management.loading import (
    add_load_arguments,
    load_options,
    write_already_loaded,
    write_changes,
    write_outcome,
)
from chains.matrix.io import DEFAULT_FIXTURE, MatrixFileError, matrix_load


class Command(BaseCommand):
    help = (
        "Load the responsibility matrix: the fixture by default, or a json/csv/xlsx file in the "
        "export's columns. Loads only into an empty matrix (first boot); --replace replaces an "
        "existing matrix, shows what changes per industry and records it. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FIXTURE))
        add_load_arguments(parser)

    def handle(self, *args, file, replace, dry_run, user, **options):
        load = load_options(replace=replace, dry_run=dry_run, user=user, command="load_matrix")
        try:
            report = matrix_load(file, load=load)
        except MatrixFileError as exc:
            raise CommandError(f"{exc}（未做任何更改）") from exc
        if report.already_loaded:
            write_already_loaded(self, what="分工矩阵", existing=report.existing, unit="个产业")
            return
        if report.errors:
            for message in report.errors:
                self.stderr.write(message)
            raise CommandError(f"文件有 {len(report.errors)} 处错误，未做任何更改：{file}")
        write_changes(self, report)
        write_outcome(self, report, what="分工矩阵", file=file, dry_run=dry_run)
