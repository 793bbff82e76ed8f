from django.contrib import admin
from django.urls import include, path

from roadmap_site import views

admin.site.site_header = "Python Backend Roadmap: editors"
admin.site.site_title = "Roadmap admin"
admin.site.index_title = "Curate the roadmap"

urlpatterns = [
    path("", include("roadmap.urls")),
    path("courses/", include("courses.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

handler404 = "roadmap_site.views.page_not_found"
handler500 = "roadmap_site.views.server_error"
