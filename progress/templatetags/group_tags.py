from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from progress.group_selectors import GroupProgress

register = template.Library()

STUCK_TAG = ' <span class="tag tag-stuck">may be stuck</span>'


def _summary_cell(summary, *, strong: bool = False) -> str:
    percent = f"<strong>{summary.percent}%</strong>" if strong else f"{summary.percent}%"
    counts = f"{summary.settled}/{summary.required_total}"
    return f'<td>{percent} <span class="muted">{counts}</span></td>'


def _date_cell(value) -> str:
    if value is None:
        return '<td><span class="muted">never</span></td>'
    value = localtime(value)
    return f'<td><time datetime="{value.isoformat()}">{format_date(value, "j M Y")}</time></td>'


@register.simple_tag
def progress_rows(progress: GroupProgress, *, members_url: str, show_stuck: bool) -> SafeString:
    """The rows of the members x stages table (see groups/_progress_table.html).

    Up to 500 rows of a dozen cells: joined as plain strings, which takes a
    fraction of the template engine's time. Usernames are escaped; everything
    else is a number, a date or fixed markup.
    """
    rows = []
    for row in progress.rows:
        member = row.membership
        stuck = STUCK_TAG if show_stuck and row.stuck else ""
        rows.append(
            f'<tr><th scope="row"><a href="{escape(members_url)}{member.user_id}/">'
            f"{escape(member.user.username)}</a>{stuck}</th>"
            + _summary_cell(row.overall, strong=True)
            + f"<td>{row.overall.done}</td>"
            + _date_cell(row.last_active)
            + "".join(_summary_cell(summary) for summary in row.stages)
            + "</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 - escaped names, numbers, fixed markup
