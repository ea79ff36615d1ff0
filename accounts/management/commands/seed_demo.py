from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, DemoRefused, demo_accounts_seed


class Command(BaseCommand):
    help = "Create demo accounts (one per unit, official and role). Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        try:
            users = demo_accounts_seed()
            from reporting.demo import demo_updates_seed

            updates = demo_updates_seed()
            from chains.figures.demo import demo_figures_seed

            enterprises = demo_figures_seed()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"演示账号 {len(users)} 个，密码均为 {DEMO_PASSWORD}（仅供演示）。例如：gxj（市工信局）、fgw（市发改委）、admin。"
                f"演示月度进展 {updates} 份（近 12 个月，标记为演示数据）；"
                f"演示统计数据 12 个月、重点企业 {enterprises} 家。"
            )
        )
