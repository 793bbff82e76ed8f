"""Authentication backends that read the signed-in user from the cache.

Every signed-in request loads its user. Django's backends do it with a query;
these keep the user row in the shared cache under the account version (see
roadmap_site/versions.py), which any save or delete of the user bumps. So a
password change, a deactivation or a deleted account is seen on the next
request, on every app server, exactly as with the query. Signing in itself
(`authenticate`) is unchanged.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache

from roadmap_site import versions

USER_SECONDS = 3600


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


class CachedUserMixin:
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        version_key, key = versions.account_key(pk), user_key(pk)
        found = cache.get_many([version_key, key])
        version, stored = found.get(version_key), found.get(key)
        if version is not None and stored is not None and stored[0] == version:
            user = stored[1]
            return user if self.user_can_authenticate(user) else None
        if version is None:
            version = versions.account_version(pk)  # before the read, as for pages
        user = super().get_user(pk)
        if user is not None:
            cache.set(key, (version, user), USER_SECONDS)
        return user


class ModelBackend(CachedUserMixin, DjangoModelBackend):
    """django.contrib.auth.backends.ModelBackend, with the user read from the cache."""


class AuthenticationBackend(CachedUserMixin, AllauthBackend):
    """allauth's backend (email sign-in), with the user read from the cache."""
