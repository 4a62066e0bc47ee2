from django.conf import settings
from django.templatetags.static import static

from asn_portal import extensions, imports, permissions, reports


def sigap(request):
    """Instance identity and the roles the navbar needs, for every template."""
    user = getattr(request, "user", None)
    actor = permissions.actor_for(user)
    return {
        "sigap": {
            "government_name": settings.SIGAP_GOVERNMENT_NAME,
            "hr_agency_name": settings.SIGAP_HR_AGENCY_NAME,
            "hr_agency_short": settings.SIGAP_HR_AGENCY_SHORT,
            "logo": settings.SIGAP_LOGO,
            "logo_url": _logo_url(settings.SIGAP_LOGO),
        },
        "actor": actor,
        "can_import": (lambda: bool(imports.kinds_for(user))) if actor.user_id else False,
        "can_report": (lambda: reports.can_use_reports(user)) if actor.user_id else False,
        "nav_items": (lambda: extensions.nav_items(request)) if actor.user_id else [],
        # Called by the template only where it is needed (one query).
        "is_supervisor": lambda: permissions.is_supervisor(user),
    }


def _logo_url(value: str) -> str:
    """SIGAP_LOGO is a path under static/ or an absolute URL (http(s)://… or /…)."""
    if value.startswith(("http://", "https://", "/")):
        return value
    return static(value)
