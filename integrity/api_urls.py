"""Integrity API routes, included at /api/v1/ (integrity/… and employees/<nip>/standing/)."""

urlpatterns: list = []
