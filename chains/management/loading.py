"""What the three loading commands share: the --replace/--dry-run/--user options, and how a
load is reported. Each command loads its table only when the table is empty (a first boot),
so running it at every start never undoes an administrator's changes."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from chains.loads import Load, LoadReport


def add_load_arguments(parser) -> None:
    parser.add_argument(
        "--replace",
        action="store_true",
        help="Replace data that is already loaded with the file's; shows and records what changes.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Show what the file would change; change nothing."
    )
    parser.add_argument(
        "--user",
        help="The portal account to record as having made the change (default: the system user).",
    )


def load_options(*, replace: bool, dry_run: bool, user: str | None, command: str) -> Load:
    actor = None
    if user:
        try:
            actor = get_user_model().objects.get_by_natural_key(user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"没有用户名为「{user}」的账号。") from exc
    who = Load(actor=actor).who()
    return Load(
        replace=replace, dry_run=dry_run, actor=actor, actor_name=f"{who}（manage.py {command}）"
    )


def write_changes(command, report: LoadReport) -> None:
    """The change list of a replacement or a dry run (a first load would list every row)."""
    if not report.existing:
        return
    if not any(not line.endswith("：无变化") for line in report.changes):
        command.stdout.write("与现有数据相比：无变化。")
        return
    command.stdout.write("与现有数据相比的变化：")
    for line in report.changes:
        command.stdout.write(f"  {line}")


def write_outcome(command, report: LoadReport, *, what: str, file, dry_run: bool) -> None:
    if dry_run:
        command.stdout.write(command.style.SUCCESS(f"检查通过（试运行，未写入）{file}。"))
        return
    counts = f"新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}"
    if report.record is None:
        command.stdout.write(command.style.SUCCESS(f"{what}：{counts}；没有需要记录的变化。"))
        return
    verb = "已替换" if report.record.replaced else "已载入"
    command.stdout.write(
        command.style.SUCCESS(
            f"{verb}{what}（{file}）：{counts}。已记录为变更记录 #{report.record.pk}"
            f"（操作人：{report.record.actor_name}）。"
        )
    )


def write_already_loaded(command, *, what: str, existing: int, unit: str) -> None:
    command.stdout.write(
        f"{what}已载入（现有 {existing} {unit}），未做任何更改。"
        f"如需用文件替换现有数据，请加 --replace（可先用 --dry-run 查看变化）。"
    )
