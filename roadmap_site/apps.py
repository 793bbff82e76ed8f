from django.apps import AppConfig


class RoadmapSiteConfig(AppConfig):
    name = "roadmap_site"
    verbose_name = "Site"

    def ready(self) -> None:
        from roadmap_site.page_cache import connect_invalidation

        connect_invalidation()
