"""Who may edit, submit, contribute to and review a monthly update, and the scoped fetches of an
update, a unit's month and an attachment (built on accounts.access)."""

from enum import StrEnum

from django.http import Http404

from accounts.access import can, can_review, fetch, industries_for, require
from accounts.choices import Action
from accounts.models import User
from reporting.models import Attachment, MonthlyUpdate
from reporting.updates.selectors import unit_month_updates, update_for_page


class UpdateAction(StrEnum):
    VIEW = "view"  # lead, responsible and reading units, DRC, leaders of the industry
    EDIT = "edit"  # only the staff of the unit that files it
    CONTRIBUTE = "contribute"  # responsible units add inputs
    REVIEW = "review"  # DRC staff


def can_update(user: User, action: UpdateAction, update) -> bool:
    if action == UpdateAction.REVIEW:
        return can_review(user)
    if action == UpdateAction.EDIT:
        return (
            bool(user.unit_id)
            and user.unit_id == update.unit_id
            and can(user, Action.FILE, update.industry)
        )
    if action == UpdateAction.CONTRIBUTE:
        return can(user, Action.CONTRIBUTE, update.industry)
    return can(user, Action.VIEW, update.industry)


def access_update(
    *, user: User, pk: int, action: UpdateAction = UpdateAction.VIEW, for_page: bool = True
):
    """The update, if it exists (else 404) and the user may act on it (else 403): with
    everything its pages show, or (`for_page=False`, a write that draws no page, such as an
    autosave) with its industry, month and unit only."""
    try:
        if for_page:
            update = update_for_page(pk)
        else:
            update = MonthlyUpdate.objects.select_related("industry", "period", "unit").get(pk=pk)
    except MonthlyUpdate.DoesNotExist:
        raise Http404 from None
    require(can_update(user, action, update))
    return update


def access_month_updates(*, user: User, period) -> list:
    """Every update the user's unit files for the month, in matrix order, if the user may edit
    each one (else 403). The industries the user files for are read once, not per update."""
    updates = unit_month_updates(user.unit_id, period)
    if updates:
        # can_update's EDIT rule for all of them at once: they are the user's unit's own.
        filing = set(industries_for(user, Action.FILE).values_list("pk", flat=True))
        require(all(u.industry_id in filing for u in updates))
    return updates


def access_attachment(*, user: User, pk: int):

    attachment = fetch(
        Attachment.objects.select_related("update__industry"),
        pk=pk,
        removed_at__isnull=True,
    )
    require(can_update(user, UpdateAction.VIEW, attachment.update))
    return attachment
