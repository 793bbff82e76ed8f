"""Endpoints the admin's own pages call: staff only, POST with CSRF."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from roadmap_site.markup import render_markdown

MAX_PREVIEW_CHARS = 100_000


@require_POST
def markdown_preview(request: HttpRequest) -> JsonResponse:
    """Render Markdown through the site's one sanitiser, for the admin's live preview."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return JsonResponse({"error": "Only editors can preview."}, status=403)
    text = request.POST.get("text", "")
    if len(text) > MAX_PREVIEW_CHARS:
        return JsonResponse({"error": "That text is too long to preview."}, status=400)
    try:
        top_heading = min(6, max(1, int(request.POST.get("top_heading", "2"))))
    except ValueError:
        top_heading = 2
    return JsonResponse({"html": str(render_markdown(text, top_heading=top_heading))})
