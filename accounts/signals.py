from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_started
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.services import user_groups_sync
from portal.middleware import touch_on_login
from portal.sessions import retry_deletes


@receiver(post_save, sender=User)
def keep_user_groups_in_step(sender, instance: User, raw=False, **kwargs):
    # A user saved by the admin, a command or a service lands in its unit's group at once.
    if raw:
        return

    user_groups_sync(instance)


# A login writes the session: stamp it then (portal.middleware.SessionTouchMiddleware).
user_logged_in.connect(touch_on_login, dispatch_uid="portal-session-touch-on-login")
# A logout's cache entry that Redis could not delete is deleted at the next request.
request_started.connect(retry_deletes, dispatch_uid="portal-session-retry-deletes")
