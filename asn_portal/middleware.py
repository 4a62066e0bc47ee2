from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware reads `request.user` before the view runs, when an API
    call authenticated by token still looks anonymous. Resolve the actor lazily instead, when
    the log entry is written: by then DRF has set `request.user` to the token's user."""

    @staticmethod
    def _get_actor(request):
        def resolve():
            user = getattr(request, "user", None)
            return user if user is not None and user.is_authenticated else None

        return SimpleLazyObject(resolve)
