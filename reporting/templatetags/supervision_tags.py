"""The instructions (批示) panel of a page: the instructions written on its object, and for a
leader or the DRC the form to write one."""

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
