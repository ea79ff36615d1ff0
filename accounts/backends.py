"""The role 系统管理员 opens the admin: staff status follows the role (User.save), and this
backend gives administrators the admin's model permissions, as the role promises, without
making them superusers or asking anyone to tick boxes of permissions."""

from django.contrib.auth.backends import BaseBackend

from accounts.choices import Role

# Filing and contributing come only from the matrix, object by object (guardian), not from a
# role: no administrator files another unit's update.
MATRIX_ONLY = {"chains.file_industry", "chains.contribute_industry"}


class RoleBackend(BaseBackend):
    @staticmethod
    def _is_administrator(user_obj) -> bool:
        return bool(user_obj.is_active and getattr(user_obj, "role", None) == Role.ADMIN)

    def has_perm(self, user_obj, perm, obj=None):
        # Model permissions only: object permissions are guardian's, from the matrix.
        return obj is None and perm not in MATRIX_ONLY and self._is_administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return self._is_administrator(user_obj)
