"""The user's choice, per kind of notice, of how it reaches them."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.choices import NoticeKind
from accounts.policies import Policy
from reporting.notices.models import EmailChoice, NoticePreference


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NoticeKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=EmailChoice.choices,
                initial=current.get(kind, EmailChoice.IMMEDIATE),
                widget=forms.RadioSelect,
            )


class NoticePreferencesView(TemplateView):
    """Every notice stays in the portal's inbox; for each kind the user chooses an e-mail at
    once, a daily digest, or none. Their unit's group robot is the administrators' to set."""

    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/notices/preferences.html"

    def current(self) -> dict:
        return dict(self.request.user.notice_preferences.values_list("kind", "email"))

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or PreferencesForm(current=self.current())
        return super().get_context_data(
            form=form, has_email=bool(self.request.user.email), **kwargs
        )

    def post(self, request):
        form = PreferencesForm(request.POST, current=self.current())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        with transaction.atomic():
            for kind, email in form.cleaned_data.items():
                NoticePreference.objects.update_or_create(
                    user=request.user, kind=kind, defaults={"email": email}
                )
        messages.success(request, _("Saved: notices reach you as chosen."))
        return redirect("reporting:notice_preferences")
