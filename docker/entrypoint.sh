#!/bin/sh
# Container entry point for SIGAP. One image, three roles, chosen by the first argument:
#   web     apply database migrations, then serve with gunicorn (docker/gunicorn.conf.py)
#   worker  a Celery worker (reminders, imports, reports)
#   beat    the Celery scheduler, reading its schedule from the database (django-celery-beat)
# Anything else is run as given, e.g. `docker compose run --rm web python manage.py shell`.
# Only `web` migrates, so two processes never race to apply the same migration; compose
# starts worker and beat after web reports healthy.
set -eu

cd "$(dirname "$0")/.."

# Wait up to a minute for the database (after a host reboot PostgreSQL may still be starting).
# Only a refused connection is retried: a configuration error (no SECRET_KEY, a malformed
# DATABASE_URL) stops the container at once with its message.
wait_for_database() {
    python - <<'EOF'
import sys
import time

import django

django.setup()
from django.db import OperationalError, connection

for _attempt in range(60):
    try:
        connection.ensure_connection()
        sys.exit(0)
    except OperationalError as exc:
        error = exc
        connection.close()
        time.sleep(1)
print(f"entrypoint: the database did not answer within a minute: {error}", file=sys.stderr)
sys.exit(1)
EOF
}

export DJANGO_SETTINGS_MODULE=asn_portal.settings

case "${1:-web}" in
    web)
        wait_for_database
        python manage.py migrate --noinput
        exec gunicorn --config docker/gunicorn.conf.py asn_portal.wsgi:application
        ;;
    worker)
        wait_for_database
        exec celery -A asn_portal worker --loglevel="${LOG_LEVEL:-INFO}" \
            --concurrency="${WORKER_CONCURRENCY:-2}" --without-gossip --without-mingle
        ;;
    beat)
        wait_for_database
        # The schedule lives in the database (DatabaseScheduler); the file is only beat's
        # local state and goes to /tmp because the application directory is read-only.
        exec celery -A asn_portal beat --loglevel="${LOG_LEVEL:-INFO}" \
            --scheduler django_celery_beat.schedulers:DatabaseScheduler \
            --schedule /tmp/celerybeat-schedule
        ;;
    *)
        exec "$@"
        ;;
esac
