"""Background tasks of the site as a whole (Django's tasks framework)."""

import logging
import smtplib
from typing import Any

from django.tasks import task
from django.utils import timezone

from roadmap_site import mail

logger = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """The last try failed: the email is given up (its task result keeps the reason)."""


@task()
def send_email(message: dict[str, Any], attempt: int = 1) -> str:
    """Send one queued email (roadmap_site.mail.QueuedEmailBackend made `message`).

    When the server cannot be reached or refuses it, enqueue try `attempt + 1` to run
    after a growing delay; after the last one, log it and fail, with the reason.
    Sending twice (a worker dying mid-send) is possible; losing it is not.
    """
    try:
        mail.send_now(message)
    except (OSError, smtplib.SMTPException) as error:
        reason = f"{type(error).__name__}: {error}"
        to = ", ".join(message["to"])
        if attempt >= mail.MAX_ATTEMPTS or not send_email.get_backend().supports_defer:
            logger.error(
                "Email %r to %s failed (try %d): %s", message["subject"], to, attempt, reason
            )
            raise EmailNotSent(f"failed after {attempt} tries: {reason}") from error
        delay = mail.retry_delay(attempt)
        send_email.using(run_after=timezone.now() + delay).enqueue(
            message=message, attempt=attempt + 1
        )
        logger.warning(
            "Email to %s not sent (try %d, %s); trying again in %s", to, attempt, reason, delay
        )
        return f"try {attempt} failed ({reason}); try {attempt + 1} in {delay}"
    return "sent"
