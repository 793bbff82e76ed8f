from django.urls import path

from courses import learner_views, views
from roadmap_site.admin_tools import markdown_preview

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    # /courses/<course>/report/ and /courses/<course>/vote/: learners' say, POST only
    path("<slug:slug>/report/", learner_views.report_link, name="report_link"),
    path("<slug:slug>/vote/", learner_views.vote, name="vote"),
    # the admin's live Markdown preview (roadmap_site/admin_tools.py), staff only
    path("markdown-preview/", markdown_preview, name="markdown_preview"),
]
