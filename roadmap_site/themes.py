"""The colour themes: the visitor's choice, kept in a cookie (static/js/theme.js flips it)."""

from django.http import HttpRequest

#: The choices offered, "" being "follow the system's".
THEME_CHOICES = [("light", "Light"), ("dark", "Dark"), ("", "Follow my system")]
THEMES = frozenset(value for value, _ in THEME_CHOICES if value)
THEME_COOKIE = "theme"


def theme_of(request: HttpRequest) -> str:
    """The visitor's chosen theme, "dark" or "light", or "" to follow the system."""
    theme = request.COOKIES.get(THEME_COOKIE, "")
    return theme if theme in THEMES else ""
