"""BKPP's pages: programmes, sessions, participants, attendance, results, certificates."""

urlpatterns: list = []
