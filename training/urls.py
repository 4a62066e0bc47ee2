"""Training pages, included at /training/ (namespace "training"): the pages for employees,
supervisors and operators (urls_people.py) and BKPP's (urls_bkpp.py). The URL names
"registration-detail", "approvals", "follow-up" and "my-jp" are used in notifications."""

from training import urls_bkpp, urls_people

app_name = "training"
urlpatterns = urls_people.urlpatterns + urls_bkpp.urlpatterns
