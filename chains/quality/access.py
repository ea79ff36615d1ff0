"""Who reads the 数据核查 list (statistics staff and system-wide readers, as the imports) and
who explains a flagged figure (statistics staff), and the scoped fetch of a flag."""

from accounts.access import fetch, require
from accounts.models import User
from chains.figures.access import can_import_statistics, can_read_statistics
from chains.quality.models import FigureFlag
from chains.quality.selectors import open_flags


def can_read_follow_up(user: User) -> bool:
    return can_read_statistics(user)


def can_explain(user: User) -> bool:
    return can_import_statistics(user)


def access_flag(*, user: User, pk: int, write: bool = False) -> FigureFlag:
    """A flag to explain is one on the 数据核查 list (imported, still current, not dropped);
    one already explained is fetched too, so the writer is told who explained it."""
    flags = FigureFlag.objects.select_related("source")
    if write:
        flags = flags.filter(pk__in=open_flags().values("pk")) | flags.filter(
            explained_at__isnull=False
        )
    flag = fetch(flags, pk=pk)
    require(can_explain(user) if write else can_read_follow_up(user))
    return flag
