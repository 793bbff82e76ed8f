from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from progress import guest
from progress.models import ProgressEvent, StepProgress

register = template.Library()

NOT_STARTED = StepProgress.DISPLAY[""]


@register.filter
def status_label(status: str) -> str:
    return StepProgress.DISPLAY.get(status or "", NOT_STARTED)[1]


@register.filter
def status_icon(status: str) -> str:
    return StepProgress.DISPLAY.get(status or "", NOT_STARTED)[0]


@register.simple_tag
def status_toggle(step) -> SafeString:
    """A step's status and its one button (Mark done, or Undo when done) in a list of steps
    (the roadmap, a stage), sent through the page's `status-list` form.

    Built here rather than in the template: the roadmap shows it for every step, and
    some twenty template variables a row were most of the page's rendering."""
    status = step.status or ""
    icon, label, _ = StepProgress.DISPLAY.get(status, NOT_STARTED)
    badge = format_html(
        '<span class="status status-{}" data-status-for="{}"><span class="status-icon" '
        'aria-hidden="true">{}</span> <span class="status-label">{}</span></span>',
        status or "none", step.pk, icon, label,
    )  # fmt: skip
    done = status == StepProgress.Status.DONE
    button = format_html(
        '<button type="submit" form="status-list" formaction="{}status/" name="status" '
        'value="{}" class="button button-small{}" data-toggle-done data-step="{}" '
        'data-title="{}">{}<span class="visually-hidden">{}</span></button>',
        step.get_absolute_url(),
        ProgressEvent.RESET if done else StepProgress.Status.DONE,
        " button-quiet" if done else "",
        step.pk,
        step.title,
        "Undo" if done else "Mark done",
        f" “{step.title}” done" if done else f": {step.title}",
    )
    return format_html("{}\n{}", badge, button)


@register.simple_tag
def status_buttons(with_reset: bool = True) -> list[tuple[str, str, str]]:
    """(value, icon, label) of each button of a step's status control, in order."""
    buttons: list[tuple[str, str, str]] = [
        (value, *StepProgress.DISPLAY[value][::2]) for value in StepProgress.Status
    ]
    if with_reset:
        buttons.append((ProgressEvent.RESET, *NOT_STARTED[::2]))
    return buttons


@register.simple_tag
def pending_status(next_url: str) -> guest.PendingStatus | None:
    """The status a visitor tapped on a step before being asked to sign in, if any."""
    return guest.pending_status(next_url or "")


@register.simple_tag(takes_context=True)
def guest_step_count(context) -> int:
    """How many steps the guest behind this page has a status on (0 for anyone else)."""
    request = context.get("request")
    if request is None or request.user.is_authenticated or not guest.is_tracking(request):
        return 0
    return len(guest.guest_progress(request))


def _level(changes: int) -> int:
    """How dark a day's cell is: 0 for none, then 1, 2-3, 4-6 and 7 or more changes."""
    if changes <= 1:
        return changes
    if changes <= 3:
        return 2
    return 3 if changes <= 6 else 4


#: Day and month names as strftime's %a and %b give them (the C locale), looked up, not
#: formatted: the calendar has 182 cells.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FUTURE_CELL = '<span class="cell cell-future" title="" aria-hidden="true"></span>'


@register.simple_tag
def activity_heatmap(activity) -> SafeString:
    """The 26-week calendar's cells: one per day, shaded by how many changes it had.

    182 cells a dashboard: joined as plain strings, since nothing in them comes
    from a person (classes are fixed; titles are made of day and month names,
    dates and counts, with no character HTML treats specially).
    """
    cells = []
    for week in activity.calendar():
        for cell in week:
            if cell is None:
                cells.append(_FUTURE_CELL)
                continue
            day, changes = cell
            cells.append(
                f'<span class="cell lvl-{_level(changes)}" title="{_WEEKDAYS[day.weekday()]} '
                f"{day.day} {_MONTHS[day.month - 1]} {day.year}: {changes} "
                f'change{"" if changes == 1 else "s"}" aria-hidden="true"></span>'
            )
    return mark_safe("".join(cells))  # noqa: S308 - fixed markup, see above
