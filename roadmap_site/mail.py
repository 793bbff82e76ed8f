"""Email: every message goes out through a task, so no request waits on SMTP.

MAILERS["default"] (what Django and allauth send through) is `QueuedEmailBackend`: it
turns each message into plain values and enqueues `roadmap_site.tasks.send_email`,
once the request's transaction commits. The task sends it through MAILERS["outgoing"]
(SMTP, or the console in development) and, when that fails, tries again later.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.db import transaction
from django.tasks import TaskResultStatus

logger = logging.getLogger(__name__)

#: The first try and the retries: delays of 1, 2, 4 ... minutes, then 4 hours each,
#: add up to just over 24 hours (`retry_delay`).
MAX_ATTEMPTS = 14
LONGEST_DELAY = timedelta(hours=4)


class ReadableConsoleEmailBackend(ConsoleEmailBackend):
    """Print emails decoded, so a link in `make run`'s output can be clicked as it is.

    Django's console backend prints the raw MIME message, where long lines
    (such as the sign-up confirmation link) are cut by quoted-printable encoding.
    """

    def write_message(self, message) -> None:
        self.stream.write(
            f"From: {message.from_email}\n"
            f"To: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n"
            f"{message.body}\n"
        )
        self.stream.write("-" * 79 + "\n")


class QueuedEmailBackend(BaseEmailBackend):
    """Enqueue one `send_email` task per message when the transaction commits: a request
    never waits on SMTP, and one that is rolled back sends nothing."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from roadmap_site.tasks import send_email

        for message in email_messages:
            transaction.on_commit(partial(send_email.enqueue, message=message_as_dict(message)))
        return len(email_messages)


def message_as_dict(message: EmailMessage) -> dict[str, Any]:
    """The message as JSON-ready values: what a task may carry."""
    if message.attachments:
        raise ValueError("Queued emails carry no attachments.")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def message_from_dict(values: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        values["subject"],
        values["body"],
        values["from_email"],
        values["to"],
        cc=values["cc"],
        bcc=values["bcc"],
        reply_to=values["reply_to"],
        headers=values["headers"],
        alternatives=values["alternatives"],
    )
    message.content_subtype = values["content_subtype"]
    return message


def send_now(values: dict[str, Any]) -> None:
    """Send the message through the outgoing mailer (SMTP or the console); raises when
    the server cannot be reached or refuses it."""
    mailers["outgoing"].send_messages([message_from_dict(values)])


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after try number `attempt` failed: 1, 2, 4 ... minutes, at most
    LONGEST_DELAY, so that MAX_ATTEMPTS tries span at least 24 hours."""
    return min(timedelta(minutes=2 ** (attempt - 1)), LONGEST_DELAY)


def recipients(values: dict[str, Any]) -> set[str]:
    return {address.lower() for key in ("to", "cc", "bcc") for address in values[key]}


def drop_queued_email(addresses: Iterable[str]) -> int:
    """Delete the emails still waiting to be sent to any of these addresses (all of
    an email's recipients among them); returns how many. One that a worker is sending
    right now is past stopping."""
    from django_tasks_db.models import DBTaskResult

    from roadmap_site.tasks import send_email

    wanted = {address.lower() for address in addresses if address}
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=send_email.module_path,
    )
    doomed = []
    for address in wanted:
        # A cheap filter in the database; the exact match is made below.
        for task in waiting.filter(args_kwargs__kwargs__message__to__icontains=address):
            if recipients(task.args_kwargs["kwargs"]["message"]) <= wanted:
                doomed.append(task.pk)
    return DBTaskResult.objects.filter(pk__in=doomed).delete()[0]


def drop_queued_email_of_deleted_user(sender: type, instance: Any, **kwargs: Any) -> None:
    """pre_delete on the user model: their address is gone, so is what was on its way."""
    from allauth.account.models import EmailAddress

    addresses = {
        instance.email,
        *EmailAddress.objects.filter(user=instance).values_list("email", flat=True),
    }
    dropped = drop_queued_email(addresses)
    if dropped:
        logger.info("Dropped %d queued email(s) to a deleted account.", dropped)


def enqueue_in_transaction(message: EmailMessage, *, priority: int = 0) -> None:
    """Enqueue `message`'s `send_email` task now, inside the caller's transaction (not on
    commit, as QueuedEmailBackend does): with the database task backend the task's row
    commits or rolls back with the caller's own rows, so a worker killed in between
    leaves both or neither (the weekly email and its "sent this week" row).

    A bulk sender gives a `priority` below 0, so that a sign-up's confirmation never
    waits behind its thousands."""
    from roadmap_site.tasks import send_email

    send_email.using(priority=priority).enqueue(message=message_as_dict(message))
