"""django-allauth adapter: where the site departs from allauth's defaults."""

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

SITE_NAME = "Python Backend Roadmap"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails greet with our name and address (SITE_URL), not the Host header
        of the request that sent them ("Hello from 127.0.0.1:8000!")."""
        site = SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        context = {**context, "current_site": site, "site_url": settings.SITE_URL}
        super().send_mail(template_prefix, email, context)

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
