from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from courses.catalogue import facet_counts, filtered_courses
from courses.forms import CatalogueFilterForm
from courses.models import Provider, StepCourse
from roadmap.models import Stage
from roadmap_site.page_cache import cache_for_visitors

PAGE_SIZE = 30


def _form(request: HttpRequest) -> CatalogueFilterForm:
    return CatalogueFilterForm(
        request.GET or None,
        stages=list(Stage.objects.only("title", "slug")),
        providers=sorted(  # "djangoproject.com" between "Coursera" and "Real Python"
            Provider.objects.filter(courses__is_published=True).distinct(),
            key=lambda provider: provider.name.casefold(),
        ),
    )


def _step_links() -> Prefetch:
    return Prefetch(
        "step_links",
        queryset=StepCourse.objects.filter(step__is_published=True)
        .select_related("step__stage")
        .order_by("step__stage__position", "step__position"),
        to_attr="published_step_links",
    )


@require_safe
@cache_for_visitors(*CatalogueFilterForm.base_fields, "page")
def catalogue(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    filters = form.valid_filters() if form.is_bound else {}
    sort = form.sort_order() if form.is_bound else "title"
    notices = [
        f"That {label.lower()} filter is not one we know, so it was ignored."
        for label in (form.rejected() if form.is_bound else [])
    ]
    form.show_counts(facet_counts(filters))

    courses = filtered_courses(filters, sort).prefetch_related(_step_links())
    paginator = Paginator(courses, PAGE_SIZE)
    page_number = request.GET.get("page", "1")
    page = paginator.get_page(page_number)
    if str(page.number) != page_number and "page" in request.GET:
        notices.append(f"There is no page “{page_number[:20]}”; here is page {page.number}.")
    # Only the filters themselves: a page kept for visitors must not echo anything else.
    query = urlencode({name: request.GET[name] for name in form.fields if request.GET.get(name)})
    response = render(
        request,
        "courses/catalogue.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "notices": notices,
            "query_string": query,
            "total": paginator.count,
        },
    )
    if notices:  # a page for parameters we do not know is not worth keeping
        patch_cache_control(response, private=True)
    return response
