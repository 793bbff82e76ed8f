from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courses.forms import CatalogueFilterForm
from courses.models import Course, StepCourse
from roadmap.models import Stage

PAGE_SIZE = 30


def filtered_courses(filters: dict[str, str]) -> QuerySet[Course]:
    courses = Course.objects.published().select_related("provider")
    if stage := filters.get("stage"):
        courses = courses.filter(
            step_links__step__stage__slug=stage, step_links__step__is_published=True
        ).distinct()
    if fmt := filters.get("format"):
        courses = courses.filter(format=fmt)
    if level := filters.get("level"):
        courses = courses.filter(level=level)
    if filters.get("price") == "free":
        courses = courses.free()
    elif filters.get("price") == "paid":
        courses = courses.paid()
    return courses.order_by("title", "id")


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    stages = list(Stage.objects.only("title", "slug"))
    form = CatalogueFilterForm(request.GET or None, stages=stages)
    filters = form.valid_filters() if form.is_bound else {}
    for label in form.rejected() if form.is_bound else []:
        messages.warning(
            request, f"That {label.lower()} filter is not one we know, so it was ignored."
        )

    courses = filtered_courses(filters).prefetch_related(
        Prefetch(
            "step_links",
            queryset=StepCourse.objects.filter(step__is_published=True)
            .select_related("step__stage")
            .order_by("step__stage__position", "step__position"),
            to_attr="published_step_links",
        )
    )
    paginator = Paginator(courses, PAGE_SIZE)
    page_number = request.GET.get("page", "1")
    page = paginator.get_page(page_number)
    if str(page.number) != page_number and "page" in request.GET:
        messages.info(
            request, f"There is no page “{page_number[:20]}”; here is page {page.number}."
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "courses/catalogue.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "query_string": query.urlencode(),
            "total": paginator.count,
        },
    )
