"""gunicorn settings for the `web` container (docker/entrypoint.sh). Plain HTTP on port 8000:
TLS is terminated by the reverse proxy in front (see README, "Production")."""

import os

bind = "0.0.0.0:8000"

# Sync workers: each handles one request at a time. Three suit a 2-core machine; raise
# WEB_CONCURRENCY (about 2 x cores + 1) on bigger hosts.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Long work (imports, reports) runs in Celery, so a request that takes longer than this is
# a bug or a stuck database: gunicorn kills the worker and logs it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak in any library cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# The heartbeat file lives in memory: a container's disk layer can stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs go to stdout/stderr for the container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()

# gunicorn's control socket (gunicornc) is not used; do not open one in the home directory.
control_socket_disable = True
