from csp.constants import SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from asn_portal import import_views, privacy_views, report_views, two_factor_views, views
from asn_portal.auth import AccountPasswordResetForm, LoginForm

portal_patterns = (
    [
        path("", views.dashboard, name="dashboard"),
        path("employees/", views.employee_list, name="employee-list"),
        path("employees/import/", import_views.import_upload, name="employee-import"),
        path("employees/import/<int:pk>/", import_views.import_detail, name="import-detail"),
        path("employees/<int:pk>/", views.employee_detail, name="employee-detail"),
        path("notifications/", views.notification_list, name="notification-list"),
        path("notifications/bell/", views.notification_bell, name="notification-bell"),
        path("notifications/settings/", views.notification_settings, name="notification-settings"),
        path("reports/", report_views.report_list, name="report-list"),
        path("reports/new/<slug:kind>/", report_views.report_new, name="report-new"),
        path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
        path("reports/<int:pk>/download/", report_views.report_download, name="report-download"),
        path("reports/<int:pk>/retry/", report_views.report_retry, name="report-retry"),
        path("notifications/read/", views.notification_mark_read, name="notification-read"),
        path("audit/", views.audit_log, name="audit-log"),
        path("audit/breach/", privacy_views.breach_query, name="breach-query"),
        path("me/data/", privacy_views.my_data, name="my-data"),
    ],
    "portal",
)

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=AccountPasswordResetForm),
        name="password_reset",
    ),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("two-factor/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/turn-off/", two_factor_views.turn_off, name="two_factor_turn_off"),
]

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("", include(portal_patterns)),
    path("accounts/", include(account_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots),
    path("api/v1/", include("asn_portal.api_urls")),
    path("api/v1/", include("integrity.api_urls")),
    path("integrity/", include("integrity.urls")),
    path("training/", include("training.urls")),
    path("careers/", include("careers.urls")),
    path("v/", include("training.urls_public")),
    path("api/v1/", include("training.api_urls")),
    path("api/v1/", include("careers.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc's search runs in a worker it starts from a blob: URL; allowed on this page only.
    path(
        "api/redoc/",
        csp_update({"worker-src": [SELF, "blob:"]})(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = f"SIGAP — {settings.SIGAP_HR_AGENCY_SHORT}"
admin.site.site_title = "SIGAP"

handler404 = "asn_portal.errors.page_not_found"
handler500 = "asn_portal.errors.server_error"
