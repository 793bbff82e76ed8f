"""django-allauth adapter: where the site departs from allauth's defaults."""

import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.defaultfilters import pluralize

#: How many tries are left when the sign-in page starts counting them down.
WARN_FROM = 2

SITE_NAME = "Python Backend Roadmap"


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails greet with our name and address (SITE_URL), not the Host header
        of the request that sent them ("Hello from 127.0.0.1:8000!")."""
        site = SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        context = {**context, "current_site": site, "site_url": settings.SITE_URL}
        super().send_mail(template_prefix, email, context)

    # Set during a sign-in (one adapter per form): the per-account limit's state.
    tries_left: int | None = None
    pause_seconds: float = 0
    wait_seconds: float | None = None

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

    def _account_limit(self, request: HttpRequest, **credentials: Any) -> tuple[int, float, list]:
        """The per-account failed sign-in limit (ACCOUNT_RATE_LIMITS["login_failed"], the
        "/key" rate): how many failures it allows, over how long, and the recent ones."""
        rates = ratelimit.get_rates(app="allauth.account", action="login_failed")
        rate = next((rate for rate in rates if rate.per == "key"), None)
        if rate is None:
            return 0, 0, []
        key = ratelimit.get_cache_key(
            request,
            app="allauth.account",
            action="login_failed",
            rate=rate,
            key=self._get_login_attempts_cache_key(request, **credentials),
        )
        since = time.time() - rate.duration
        return rate.amount, rate.duration, [t for t in cache.get(key, []) if t > since]

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Before allauth counts this try: if the account is paused, for how long, to say so."""
        amount, duration, recent = self._account_limit(request, **credentials)
        if amount and len(recent) >= amount:
            self.wait_seconds = min(recent) + duration - time.time()
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        """A wrong password: count what is left of the per-account limit, to warn before it."""
        amount, self.pause_seconds, recent = self._account_limit(request, **credentials)
        if amount:
            self.tries_left = max(amount - len(recent), 0)

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        """Sign-in errors that say how many tries are left, and how long a pause lasts."""
        error = super().validation_error(code, *args)
        if code == "too_many_login_attempts":
            if self.wait_seconds:
                message = (
                    "Too many wrong passwords: sign-in to this account is paused. Try again "
                    f"in {_minutes(self.wait_seconds)}, or reset your password now (it lifts "
                    "the pause)."
                )
            else:  # the per-address limit
                message = "Too many failed sign-ins from your network: try again in a minute."
            return ValidationError(message, code=code)
        if code.endswith("_password_mismatch") and self.tries_left is not None:
            pause = _minutes(self.pause_seconds)
            if self.tries_left == 0:
                extra = f"That was the last try: sign-in to this account is paused for {pause}."
            elif self.tries_left <= WARN_FROM:
                extra = (
                    f"{self.tries_left} more tr{pluralize(self.tries_left, 'y,ies')}, then "
                    f"sign-in to this account pauses for {pause}."
                )
            else:
                return error
            return ValidationError(f"{error.message} {extra}", code=code)
        return error


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{pluralize(minutes)}"
