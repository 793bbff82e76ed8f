"""The benchmark's reference views, routed only when BENCH is on (roadmap_site/urls.py).

* `trivial`: the whole middleware stack, no database, no template: the baseline.
* `naive_page` and `naive_post`: a signed-in page and write as a first Django
  tutorial would write them (every published step with the learner's status and
  one form per step; `update_or_create` of one row). The site's own learner pages
  and status change are measured against these.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from progress.models import StepProgress
from roadmap.models import Step


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
def naive_page(request: HttpRequest) -> HttpResponse:
    steps = Step.objects.filter(is_published=True).select_related("stage")
    statuses = {p.step_id: p.status for p in StepProgress.objects.filter(user=request.user)}
    rows = [(step, statuses.get(step.id, "")) for step in steps]
    return render(request, "bench/naive.html", {"rows": rows})


@login_required
@require_POST
def naive_post(request: HttpRequest, step_id: int) -> HttpResponse:
    step = get_object_or_404(Step, pk=step_id)
    StepProgress.objects.update_or_create(
        user=request.user, step=step, defaults={"status": request.POST["status"]}
    )
    return redirect("bench:naive_page")
