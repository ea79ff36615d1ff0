from django.core.management.base import BaseCommand

from chains.matrix.permissions import permissions_resync


class Command(BaseCommand):
    help = (
        "Re-sync the groups and industry object permissions with the matrix now, as the daily "
        "accounts.permissions_resync task does, and say what was repaired."
    )

    def handle(self, *args, **options):
        lines = permissions_resync()
        if not lines:
            self.stdout.write("权限组和产业对象权限与责任分工一致，未做任何更改。")
            return
        self.stdout.write("已按责任分工重新同步权限组和产业对象权限。修复前：")
        for line in lines:
            self.stdout.write(f"  {line}")
