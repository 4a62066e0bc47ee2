from auditlog.middleware import AuditlogMiddleware
from axes.helpers import get_client_ip_address
from django.utils.functional import SimpleLazyObject


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware reads `request.user` before the view runs, when an API
    call authenticated by token still looks anonymous. Resolve the actor lazily instead, when
    the log entry is written: by then DRF has set `request.user` to the token's user.

    The address is the one django-axes trusts (REMOTE_ADDR, or X-Forwarded-For only behind
    the configured number of proxies), so a forged header cannot change the audit trail."""

    @staticmethod
    def _get_remote_addr(request):
        return get_client_ip_address(request)

    @staticmethod
    def _get_actor(request):
        def resolve():
            user = getattr(request, "user", None)
            return user if user is not None and user.is_authenticated else None

        return SimpleLazyObject(resolve)
