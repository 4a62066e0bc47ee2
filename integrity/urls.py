"""Integrity pages, included at /integrity/ (namespace "integrity")."""

app_name = "integrity"
urlpatterns: list = []
