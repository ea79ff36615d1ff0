"""The reporting app's pages, one module per part: monthly updates and the dashboard,
coordination, work plans, land items, the districts' assessment and the reports."""

from django.core.exceptions import ValidationError


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message or a form."""
    return " ".join(exc.messages)
