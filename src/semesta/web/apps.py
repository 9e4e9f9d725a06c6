from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "semesta.web"
    label = "web"
    verbose_name = "Semesta"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from semesta.web import signals  # noqa: F401  (audit of logins and logouts)
