"""Training pages. `people.py`: employees, supervisors and Operator OPD (catalogue, session,
my registrations, approvals, JP, outside learning, evaluation, follow-up); `bkpp.py`: BKPP's
pages. Thin views: load through `training.permissions`, validate a form, make one service
call, turn a `ServiceError` into a form error with status 400, render or redirect."""
