"""The employee profile's tabs. Core registers placeholders; the careers, training and
integrity apps replace them (same slug) when their issues land."""

from django.utils.translation import gettext_lazy as _

from asn_portal import permissions
from asn_portal.extensions import ProfileTab, register_profile_tab

PLACEHOLDER = "portal/_tab_placeholder.html"


def _placeholder(title, message, icon):
    def get_context(request, employee):
        return {"title": title, "message": message, "icon": icon}

    return get_context


def _integrity_placeholder(request, employee):
    # Integrity data is the Inspektorat's (DESIGN.md): nobody else sees the tab.
    actor = permissions.actor_for(request.user)
    if not (actor.is_inspektorat or actor.is_superuser):
        return None
    return {
        "title": _("Integrity"),
        "message": _("Sanctions, wealth reports and other integrity records will appear here."),
        "icon": "bi-shield-check",
    }


def register():
    for order, slug, label, message, icon in (
        (10, "pangkat", _("Rank history"), _("The rank history (riwayat pangkat) will appear here."), "bi-award"),
        (
            20,
            "jabatan",
            _("Position history"),
            _("The position history (riwayat jabatan) will appear here."),
            "bi-briefcase",
        ),
        (
            30,
            "pendidikan",
            _("Education"),
            _("The education history (riwayat pendidikan) will appear here."),
            "bi-mortarboard",
        ),
        (40, "diklat", _("Training"), _("Training taken and the JP ledger will appear here."), "bi-journal-bookmark"),
        (50, "skp", _("Performance (SKP)"), _("Annual performance ratings (SKP) will appear here."), "bi-graph-up"),
    ):
        register_profile_tab(ProfileTab(slug, label, PLACEHOLDER, _placeholder(label, message, icon), order))
    register_profile_tab(ProfileTab("integritas", _("Integrity"), PLACEHOLDER, _integrity_placeholder, 60))
