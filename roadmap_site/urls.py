from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from progress import urls as progress_urls
from roadmap_site import accounts, public_views, views
from roadmap_site.sitemaps import SITEMAPS

admin.site.site_header = "Python Backend Roadmap: editors"
admin.site.site_title = "Roadmap admin"
admin.site.index_title = "Curate the roadmap"
# The admin sign-in goes through allauth's, so it gets the same rate limits.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

progress_patterns = [*progress_urls.urlpatterns, *accounts.urlpatterns]

urlpatterns = [
    path("", include("roadmap.urls")),
    # progress's pages, three of them with the learner's groups on them (accounts.py)
    path("", include((progress_patterns, progress_urls.app_name))),
    path("groups/", include("groups.urls")),
    path("plan/", include("plans.urls")),
    path("courses/", include("courses.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    # Visitors' extras (issue 5): search, Markdown export, theme switch, SEO files.
    path("search/", public_views.search, name="search"),
    path("roadmap.md", public_views.export_markdown, name="export_markdown"),
    path("theme/", public_views.set_theme, name="theme"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public_views.robots_txt, name="robots"),
]
if settings.BENCH:  # the benchmark's baseline and naive pages (bench/views.py)
    urlpatterns.append(path("bench/", include("bench.urls")))

handler400 = "roadmap_site.views.bad_request"
handler404 = "roadmap_site.views.page_not_found"
handler500 = "roadmap_site.views.server_error"
