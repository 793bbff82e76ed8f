"""Helpers every app's views share."""

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind `login_required` gets: its user has signed in.

    For the type checker only (django-stubs' recipe): `request.user` is a User there,
    never an AnonymousUser, so it can be passed to services that take a learner.
    """

    user: User


def wants_json(request: HttpRequest) -> bool:
    """Whether the page's script sent this (it asks for JSON and puts the answer in place)."""
    return "application/json" in request.headers.get("Accept", "")


def safe_next(request: HttpRequest, candidate: str, fallback: str) -> str:
    """`candidate` if it is a path on this site, else `fallback` (no open redirects)."""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


#: Whoever looks at a page: a learner, a visitor (AnonymousUser), or nobody in particular.
Viewer = User | AnonymousUser | None
