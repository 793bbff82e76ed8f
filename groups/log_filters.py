"""Log lines never carry a study group's invite token: whoever holds it may join.

Django logs the path of a refused form (django.security.csrf), of a 4xx or 5xx
answer (django.request) and, under runserver, of every request
(django.server); gunicorn's access log, when switched on, logs every request
too. A join URL there would hand the token to anyone who reads the logs.
"""

import logging
import re

# A slash, or a slash percent-encoded once or more (?next=%2Fgroups%2Fjoin%2F<token>%2F).
_SLASH = r"(?:/|%(?:25)*2F)"
INVITE_TOKEN = re.compile(
    rf"({_SLASH}groups{_SLASH}join{_SLASH})(?:(?!{_SLASH})[^\s?#&\"'])+", re.IGNORECASE
)

#: The loggers that write request paths.
PATH_LOGGERS = ("django.request", "django.security.csrf", "django.server", "gunicorn.access")


class RedactInviteTokens(logging.Filter):
    """Replaces the token of any /groups/join/<token>/ in a record's message with "…"."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "join" in message.lower():
            record.msg, record.args = INVITE_TOKEN.sub(r"\1…", message), ()
        return True


def install() -> None:
    """Put the filter on every logger that writes request paths."""
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactInviteTokens) for f in logger.filters):
            logger.addFilter(RedactInviteTokens())
