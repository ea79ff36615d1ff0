from django.core.management.base import BaseCommand, CommandError

from chains.matrix_io import DEFAULT_FIXTURE, MatrixFileError, matrix_load


class Command(BaseCommand):
    help = "Load the responsibility matrix: the fixture by default, or a json/csv/xlsx file in the export's columns. All or nothing; a second run changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FIXTURE))
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file, change nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            report = matrix_load(file, dry_run=dry_run)
        except MatrixFileError as exc:
            raise CommandError(f"{exc}（未做任何更改）") from exc
        if report.errors:
            for message in report.errors:
                self.stderr.write(message)
            raise CommandError(f"文件有 {len(report.errors)} 处错误，未做任何更改：{file}")
        verb = "检查通过（试运行，未写入）" if dry_run else "已载入"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {file}：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。"
            )
        )
