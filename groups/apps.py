from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Study groups"

    def ready(self) -> None:
        from groups import log_filters

        log_filters.install()
