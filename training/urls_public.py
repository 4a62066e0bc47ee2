"""The public certificate verification page (the QR code's target), no login."""

urlpatterns: list = []
