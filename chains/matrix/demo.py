"""Demo accounts, one per unit and role, for a first look at the portal. Never in production."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from chains.matrix.permissions import permissions_sync
from chains.models import Official, Unit

DEMO_PASSWORD = "Xiamen-446-demo"  # documented in README; demo data only

# The demo acts through its own accounts: `User.objects.filter(...).order_by(*DEMO_FIRST)` takes
# a real account of the unit or role only where the demo has none (a test seeding one part).
DEMO_FIRST = ("-is_demo", "pk")

# Units whose staff hold a system-wide role rather than plain unit staff.
UNIT_ROLES = {"市发改委": Role.DRC, "市统计局": Role.STATISTICS, "市招商办": Role.INVESTMENT}


class DemoRefused(Exception):
    pass


@transaction.atomic
def demo_accounts_seed() -> list[User]:
    """Create or refresh the demo accounts: username = unit or official code (with "-demo"
    where a real account holds the code)."""
    if not settings.DEBUG:
        raise DemoRefused("seed_demo 只能在 DEBUG 开启的开发环境中运行：演示账号的密码是公开的。")
    specs = [
        (
            unit.code,
            {
                "role": UNIT_ROLES.get(unit.name, Role.UNIT_STAFF),
                "unit": unit,
                "official": None,
                "last_name": f"{unit.name}演示账号",
                "first_name": "",
            },
        )
        for unit in Unit.objects.all()
    ]
    specs += [
        (
            official.code,
            {
                "role": Role.LEADER,
                "official": official,
                "unit": None,
                "last_name": f"{official.name}（演示）",
                "first_name": "",
            },
        )
        for official in Official.objects.all()
    ]
    specs.append(
        (
            "zhuyao",
            {
                "role": Role.MAIN_LEADER,
                "unit": None,
                "official": None,
                "last_name": "市主要领导（演示）",
                "first_name": "",
            },
        )
    )
    specs.append(
        (
            "admin",
            {
                "role": Role.ADMIN,
                "unit": None,
                "official": None,
                "last_name": "系统管理员",
                "first_name": "",
                "is_staff": True,
                "is_superuser": True,
            },
        )
    )
    users = []
    # One hash for the one public password (hashing is slow on purpose: 36 times took seconds).
    password = make_password(DEMO_PASSWORD)
    for username, fields in specs:
        # A real account that happens to hold the name is never touched: the demo account
        # takes the name with "-demo", so every unit still has one (the demo's meetings and
        # items act through them).
        # The administrator is not doubled: a superuser with the public password next to a
        # real one would be a second way in.
        names = (username,) if fields.get("is_superuser") else (username, f"{username}-demo")
        for name in names:
            user = User.objects.filter(username=name).first() or User(username=name)
            if not user.pk or user.is_demo:
                break
        else:
            continue
        for key, value in fields.items():
            setattr(user, key, value)
        user.is_demo = True
        user.password = password
        user.save()
        users.append(user)
    permissions_sync()
    return users
