from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from chains.figures import reading, validating, writing
from chains.figures.layout import parse_month
from chains.figures.workbook import SpreadsheetError
from chains.quality.services import flags_confirm


class Command(BaseCommand):
    help = "Import a statistics bureau file (xlsx or csv): industry figures, key enterprises or enterprise figures. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, write nothing."
        )
        parser.add_argument(
            "--month", help="The month of the figures (2026-10) when the file does not say."
        )
        parser.add_argument(
            "--confirm",
            metavar="REASON",
            default="",
            help="Import figures the checks flag, confirmed with this reason (kept with the import).",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="Username recorded as the importer (default: first superuser).",
        )

    def handle(self, *args, file, dry_run, month, user, confirm, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        month_value = parse_month(month) if month else None
        if month and month_value is None:
            raise CommandError(f"无法识别的月份：{month}（请写成 2026-10）")
        if dry_run:
            try:
                plan = validating.plan_file(path, path.name, month=month_value)
            except SpreadsheetError as exc:
                raise CommandError(f"{exc}（未做任何更改）") from exc
        else:
            users = get_user_model().objects
            importer_user = (
                users.get(username=user)
                if user
                else users.filter(is_superuser=True).order_by("pk").first()
            )
            if importer_user is None:
                raise CommandError("没有可记录为导入人的账号：请用 --user 指定。")
            record = writing.upload_record(
                upload=SimpleUploadedFile(path.name, path.read_bytes()), user=importer_user
            )
            plan = writing.preview(record, month=month_value)
            if plan.ok and plan.findings and not confirm.strip():
                self._findings(plan)
                raise CommandError(
                    f"检查发现 {plan.findings_total} 项需要核实，未做任何更改：核实后加 "
                    f'--confirm "理由" 重新运行（理由随导入保存），或在统计数据页面逐条核实。'
                )
            if plan.ok:
                try:
                    if plan.findings:
                        flags_confirm(
                            record, user=importer_user, reasons={}, reason_for_all=confirm
                        )
                    plan = writing.apply(record, planned=plan)
                except reading.ImportRefused as exc:
                    plan = exc.plan
                except writing.NotConfirmed as exc:
                    raise CommandError(
                        f"预览之后相关数据已有变化，又有 {len(exc.findings)} 项需要核实，未做任何更改：请重新运行。"
                    ) from exc
        if not plan.ok:
            for message in plan.messages():
                self.stderr.write(message)
            raise CommandError(f"文件有 {len(plan.errors)} 处错误，未做任何更改：{file}")
        if dry_run:
            self._findings(plan)
        verb = "检查通过（试运行，未写入）" if dry_run else "已导入"
        months = "、".join(f"{y}年{m}月" for y, m in plan.months) or "—"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {file}（{months}）：新增 {plan.added} 行，变更 {plan.changed} 行，未变 {plan.unchanged} 行，跳过合计行 {plan.skipped_totals} 行。"
            )
        )

    def _findings(self, plan) -> None:
        for finding in plan.findings:
            self.stderr.write(
                f"第 {finding.sheet_row} 行 {finding.year}年{finding.month}月：{finding.message}"
            )
