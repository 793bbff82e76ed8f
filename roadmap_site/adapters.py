"""django-allauth adapter: where the site departs from allauth's defaults."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Key the per-account failed sign-in limit on the account alone.

        allauth puts the current site's domain in front of the email. Without
        django.contrib.sites that domain is the Host header, port included,
        which the client chooses (ALLOWED_HOSTS ignores the port): each port,
        and each of localhost and 127.0.0.1, was a fresh set of tries. One
        deployment serves one site, so the domain adds nothing but that hole.
        allauth also clears this key after a password reset, so both agree.
        """
        return credentials.get("email", credentials.get("username", "")).lower()
