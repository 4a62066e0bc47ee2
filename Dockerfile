# SIGAP production image: one image for the web, worker and beat containers
# (docker/entrypoint.sh picks the role). See README, "Production with docker compose".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=asn_portal.settings

WORKDIR /app

# The application runs as an unprivileged user; the code stays owned by root (read-only to
# the application), only media/ (uploads) is writable.
RUN groupadd --system --gid 1000 sigap \
    && useradd --system --uid 1000 --gid sigap --create-home --home-dir /home/sigap \
       --shell /usr/sbin/nologin sigap

# Libraries and fonts for PDF output (WeasyPrint loads them at run time), the same list as
# the CI machine installs (.ci/run); the PostgreSQL client for `manage.py backup`/`restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations compiled with Babel (pure Python, no gettext needed), then static files
# collected and compressed for whitenoise. collectstatic needs settings to load: give it a
# throwaway key that exists only in this build step, never in the image's environment.
RUN pybabel compile -d locale -D django \
    && DEBUG=0 SECRET_KEY=build-only-dummy-key-not-used-at-runtime \
       python manage.py collectstatic --noinput -v0 \
    && mkdir -p media backups \
    && chown sigap:sigap media backups \
    && chmod 0755 docker/entrypoint.sh

USER sigap
EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
