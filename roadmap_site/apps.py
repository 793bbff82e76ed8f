from django.apps import AppConfig


class RoadmapSiteConfig(AppConfig):
    name = "roadmap_site"
    verbose_name = "Site"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete

        from roadmap_site.mail import drop_queued_email_of_deleted_user
        from roadmap_site.page_cache import connect_invalidation

        connect_invalidation()
        pre_delete.connect(drop_queued_email_of_deleted_user, sender=get_user_model())
