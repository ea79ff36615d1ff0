"""The panels a page shows under its object: the instructions (批示) written on it, with the
form to write one for a leader or the DRC; and its comment thread."""

from django import template

from reporting.models import Instruction
from reporting.supervision.access import can_instruct

register = template.Library()


@register.inclusion_tag("reporting/supervision/_instructions.html", takes_context=True)
def instructions_panel(context, target, kind: str):
    request = context["request"]
    return {
        "instructions": list(
            Instruction.objects.filter(**{kind: target})
            .select_related("author__official")
            .prefetch_related("items")
        ),
        "can_instruct": can_instruct(request.user),
        "kind": kind,
        "target": target,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reporting/comments/_thread.html", takes_context=True)
def comments_thread(context, target, kind: str):
    """The comment thread of an update, an item or a plan, and its form for those who take
    part (reporting.comments.access)."""
    from reporting.choices import Section
    from reporting.comments.access import can_comment
    from reporting.models import Comment

    request = context["request"]
    return {
        "comments": list(
            Comment.objects.filter(**{kind: target})
            .select_related("author__unit")
            .prefetch_related("mentions")
        ),
        "can_comment": can_comment(request.user, target),
        "sections": Section.choices if kind == "update" else [],
        "request": request,
        "kind": kind,
        "target": target,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
