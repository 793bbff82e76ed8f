"""Messages shown where the eye is: a view that sends the browser back to one section of
a page names it in the message's extra_tags (messages.success(request, text,
extra_tags="note")); that section shows it, and the top of the page shows the rest."""

from collections.abc import Iterable

from django import template
from django.contrib.messages.storage.base import Message

register = template.Library()


@register.simple_tag(takes_context=True)
def messages_at(context, place: str = "") -> list[Message]:
    """The messages meant for `place` ("" for the top of the page)."""
    messages: Iterable[Message] = context.get("messages") or ()
    return [message for message in messages if (message.extra_tags or "") == (place or "")]
