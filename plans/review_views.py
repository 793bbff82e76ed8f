"""/plan/review/: the learner's due reviews, one at a time, and their answers.

GET shows the longest overdue review with its step's self-checks as a self-test. A POST
answers it: `step` (the step's id) and `outcome` (`solid` or `refresher`, contract). The
answer redirects back here (with ?offer=<step id> after a refresher: the page then offers
to set the step back to in progress); the page's script asks for JSON and gets the new
card's HTML to put in place of the old one.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from plans import reviews
from plans.models import Review
from plans.selectors import learner_today
from progress.models import StepProgress
from roadmap.models import Checkpoint, Step
from roadmap_site.http import AuthenticatedHttpRequest, wants_json

#: The largest id a step may have (a 32-bit integer column): anything bigger is no step.
LARGEST_ID = 2**31 - 1


class AnswerForm(forms.Form):
    """An answer to a review: which step (its id) and how it went."""

    step = forms.IntegerField(min_value=1, max_value=LARGEST_ID)
    outcome = forms.ChoiceField(
        choices=Review.Outcome.choices,
        error_messages={
            "required": "Choose “Solid” or “I need a refresher”.",
            "invalid_choice": "“%(value)s” is not an answer. Choose “Solid” or “I need a "
            "refresher”.",
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The due reviews (GET), or the answer to one (POST), with dates in the learner's
    time zone, as /plan/ shows them."""
    _, zone = learner_today(request.user)
    with timezone.override(zone):
        if request.method == "POST":
            return _answer(request)
        offer = _offered_step(request.user, request.GET.get("offer", ""))
        context = _card_context(request.user, now=timezone.now(), offer=offer)
        return render(request, "plans/review.html", context)


def _answer(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AnswerForm(request.POST)
    valid = form.is_valid()
    step_id = form.cleaned_data.get("step")
    found = reviews.review_of(request.user, step_id=step_id) if step_id else None
    if found is None:  # not a step, not published, or no review of it is the learner's
        raise Http404("No such review.")
    if not valid:
        return _refuse(request, " ".join(map(str, form.errors["outcome"])))

    now = timezone.now()
    outcome = form.cleaned_data["outcome"]
    answer = reviews.review_answer(review=found, outcome=outcome, now=now)
    text = answer_message(found, answer)
    level = messages.SUCCESS if answer == reviews.Answer.RECORDED else messages.WARNING
    refreshed = answer == reviews.Answer.RECORDED and outcome == Review.Outcome.REFRESHER
    offer = found.step if refreshed else None
    if wants_json(request):
        context = _card_context(request.user, now=now, offer=offer)
        context |= {"answered": text, "answered_level": messages.DEFAULT_TAGS[level]}
        html = render_to_string("plans/review_card.html", context, request=request)
        return JsonResponse(
            {"answer": answer, "message": text, "due": context["due_count"], "html": html}
        )
    messages.add_message(request, level, text)
    back = reverse("plans:review")
    return HttpResponseRedirect(f"{back}?offer={offer.pk}" if offer else back)


def _refuse(request: HttpRequest, error: str) -> HttpResponse:
    """An answer that was not understood: a 400 for the page's script, else a message."""
    if wants_json(request):
        return JsonResponse({"error": error}, status=400)
    messages.error(request, error)
    return HttpResponseRedirect(reverse("plans:review"))


def _on(when: dt.datetime) -> str:
    return date_format(timezone.localtime(when), "j F Y")  # as the page shows dates


def answer_message(review: Review, answer: reviews.Answer) -> str:
    """What the learner is told after answering `review` (as it is now)."""
    title = f"“{review.step.title}”"
    if answer == reviews.Answer.NOT_DONE:
        return f"{title} is not done, so its review waits until you mark it done again."
    if answer == reviews.Answer.NOT_DUE:
        return f"{title} is not due for review yet: it is due on {_on(review.due_at)}."
    if review.retired_at is not None:
        after = "That was its last review: you know it for good."
    else:
        after = f"Its next review is on {_on(review.due_at)}."
    if answer == reviews.Answer.ALREADY_RECORDED:
        return f"Your answer on {title} is already recorded. {after}"
    if review.last_outcome == Review.Outcome.REFRESHER:
        return f"{title} needs a refresher. {after}"
    return f"{title}: solid. {after}"


def _offered_step(user: User, offer: str) -> Step | None:
    """The step of ?offer=<id>, if it is published and done by the learner: the page offers
    to set it back to in progress (after a refresher). Anything else offers nothing."""
    if not offer.isdigit() or int(offer) > LARGEST_ID:
        return None
    done = Step.objects.published().filter(
        pk=int(offer), progress__user=user, progress__status=StepProgress.Status.DONE
    )
    return done.select_related("stage").first()


def _card_context(user: User, *, now: dt.datetime, offer: Step | None) -> dict:
    """The longest overdue review with its step's self-checks and how many are due; or,
    with none due, when the next one is. A fixed number of queries (two or three)."""
    waiting = reviews.due(user, now=now)
    current = waiting.first()
    if current is None:
        return {"review": None, "due_count": 0, "next_due": reviews.next_due_at(user),
                "offer": offer}  # fmt: skip
    checkpoints = Checkpoint.objects.filter(step=current.step_id).only("text")
    return {
        "review": current,
        "due_count": waiting.count(),
        "checkpoints": list(checkpoints),
        "offer": offer,
    }
