"""API v1 routes. Filled in with the API."""

urlpatterns: list = []
