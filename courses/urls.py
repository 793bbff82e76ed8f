from django.urls import path

from courses import admin_views, views

app_name = "courses"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    # the admin's live Markdown preview, staff only
    path("markdown-preview/", admin_views.markdown_preview, name="markdown_preview"),
]
