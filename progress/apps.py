from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = "Learner progress"

    def ready(self) -> None:
        from progress import log_filters, signals  # noqa: F401 - signals connects the receivers

        log_filters.install()
