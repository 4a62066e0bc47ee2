"""The public certificate verification page (the QR code's target), no login. Included at
/v/ by asn_portal/urls.py; namespace "certificates": reverse("certificates:verify", args=[code])."""

from django.urls import path

from training.views import public

app_name = "certificates"
urlpatterns = [
    path("<str:code>/", public.verify, name="verify"),
]
