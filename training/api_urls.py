"""Training API routes, included at /api/v1/ (training/… and employees/<nip>/jp/)."""

urlpatterns: list = []
