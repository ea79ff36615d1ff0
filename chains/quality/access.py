"""Who reads the 数据核查 list (statistics staff and system-wide readers, as the imports) and
who explains a flagged figure (statistics staff), and the scoped fetch of a flag."""

from accounts.access import fetch, require
from accounts.models import User
from chains.figures.access import can_import_statistics, can_read_statistics
from chains.quality.models import FigureFlag


def can_read_follow_up(user: User) -> bool:
    return can_read_statistics(user)


def can_explain(user: User) -> bool:
    return can_import_statistics(user)


def access_flag(*, user: User, pk: int, write: bool = False) -> FigureFlag:
    flag = fetch(FigureFlag.objects.select_related("source"), pk=pk)
    require(can_explain(user) if write else can_read_follow_up(user))
    return flag
