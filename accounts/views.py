"""Signing in and out, a user's own password, notifications, the language switch and the health
probes (/healthz, /readyz)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.i18n import set_language as django_set_language

from accounts.choices import NoticeKind
from accounts.forms import BoundedPasswordChangeForm, LoginForm
from accounts.policies import Policy, access_policy
from accounts.services import user_password_change
from portal.viewhelpers import back_to


class LoginView(auth_views.LoginView):
    access_policy = Policy.PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    access_policy = Policy.AUTHENTICATED


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in user changes their own password here (the admin serves staff only)."""

    access_policy = Policy.AUTHENTICATED
    template_name = "accounts/password_change.html"
    form_class = BoundedPasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        # A password change invalidates every session; keep this one signed in.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


@access_policy(Policy.PUBLIC)
def set_language(request):
    return django_set_language(request)


@access_policy(Policy.PUBLIC)
def healthz(request):
    """Liveness: the process answers. It checks nothing else, so a restart is not triggered by
    an outage elsewhere; /readyz says whether the portal can serve."""
    return HttpResponse("ok", content_type="text/plain")


_migrations_applied = False  # once true, true for the life of the process


def _unapplied_migrations() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        from django.db import connection
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return not _migrations_applied


@access_policy(Policy.PUBLIC)
def readyz(request):
    """Readiness: the database answers with every migration applied, and the cache answers.
    503 names the failing part (the kind of error only: this page is public)."""
    from django.core.cache import cache
    from django.db import DatabaseError, connection

    failing = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if _unapplied_migrations():
            failing.append("migrations: not all applied")
    except DatabaseError as exc:
        failing.append(f"database: unreachable ({type(exc).__name__})")
    check = getattr(cache, "check", None)  # the Redis cache; the embedded one is in-process
    if check is not None:
        try:
            check()
        except Exception as exc:
            failing.append(f"cache: unreachable ({type(exc).__name__})")
    if failing:
        return HttpResponse("\n".join(failing), status=503, content_type="text/plain")
    return HttpResponse("ready", content_type="text/plain")


class NotificationListView(TemplateView):
    """The user's notification centre: unread first counted, paged, filtered by kind or
    unread; each notice is marked read when opened (or by hand), never all at once by merely
    looking."""

    access_policy = Policy.AUTHENTICATED
    template_name = "accounts/notifications.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        kind = self.request.GET.get("kind", "")
        unread_only = self.request.GET.get("unread") == "1"
        notes = user.notifications.all()
        if kind in NoticeKind.values:
            notes = notes.filter(kind=kind)
        if unread_only:
            notes = notes.filter(read_at__isnull=True)
        page = Paginator(notes, 50).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=page,
            unread=user.notifications.filter(read_at__isnull=True).count(),
            kinds=NoticeKind.choices,
            kind=kind,
            unread_only=unread_only,
            query=query.urlencode(),
            **kwargs,
        )

    def post(self, request):
        """Mark one notice read (its id), or all of them."""
        notes = request.user.notifications.filter(read_at__isnull=True)
        if request.POST.get("all") != "1":
            notice = request.POST.get("notice", "")
            notes = notes.filter(pk=int(notice) if notice.isdigit() else 0)
        notes.update(read_at=timezone.now())
        return redirect(
            back_to(request, request.POST.get("next", ""), reverse("accounts:notifications"))
        )


class NotificationOpenView(View):
    """Follow a notice's link, marking it read."""

    access_policy = Policy.AUTHENTICATED

    def get(self, request, pk):
        note = request.user.notifications.filter(pk=pk).first()
        if note is None:
            raise Http404("No such notice.")
        if note.read_at is None:
            request.user.notifications.filter(pk=pk).update(read_at=timezone.now())
        return redirect(back_to(request, note.link, reverse("accounts:notifications")))
