from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Study plans"

    def ready(self) -> None:
        from plans import receivers  # noqa: F401  (connects the review scheduling)
