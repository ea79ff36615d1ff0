from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from chains.figures.demo import demo_figures_seed
from chains.matrix.demo import DEMO_PASSWORD, DemoRefused, demo_accounts_seed
from chains.policies.demo import policies_demo
from chains.space.demo import demo_leading_industries_seed
from chains.teams.demo import teams_demo
from reporting.analysis.demo import demo_analyses_seed
from reporting.assessment.narratives import narratives_demo
from reporting.innovation.demo import innovation_demo
from reporting.land.demo import land_demo
from reporting.leads.demo import leads_demo
from reporting.periods.services import today as portal_today
from reporting.plans.demo import demo_plans_seed
from reporting.projects.demo import projects_demo
from reporting.supervision.demo import demo_supervision_seed
from reporting.updates.demo import demo_updates_seed


class Command(BaseCommand):
    help = "Create demo accounts (one per unit, official and role) and a year of demo data. Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        try:
            users = demo_accounts_seed()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        # One notion of today for every part of the demo, so that none of it lies in the future.
        today = portal_today()
        teams_demo()  # each industry's work team: who the reminders reach
        updates = demo_updates_seed(today)
        work_plans = demo_plans_seed(today)
        enterprises = demo_figures_seed(today)
        analyses = demo_analyses_seed(today)  # written from the figures, so after them
        land_demo(today)  # carrier areas and a year of land items
        projects_demo(today)  # the register's projects: where they are, the land they need
        leads_demo(today)  # investment leads, some signed into the register
        innovation_demo(today)  # platforms, research projects, transfers, talent
        demo_leading_industries_seed()
        narratives_demo(today.year - 1)  # the districts' summaries of last year
        items = demo_supervision_seed(today)
        policies = policies_demo(next((u for u in users if u.role == Role.DRC), None))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示账号 {len(users)} 个，密码均为 {DEMO_PASSWORD}（仅供演示）。例如：gxj（市工信局）、fgw（市发改委）、admin。"
                f"演示月度进展 {updates} 份（近 12 个月，标记为演示数据）；"
                f"演示年度工作计划 {work_plans} 份；"
                f"演示统计数据 12 个月、重点企业 {enterprises} 家；"
                f"演示统计分析 {analyses} 篇；"
                f"演示载体、用地和各区主导产业；"
                f"演示产业政策 {policies} 条；"
                f"演示协调会和督办事项 {items} 项。"
            )
        )
