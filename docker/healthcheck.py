"""Container health check for the `web` service: GET /healthz on the local gunicorn.

Django answers 400 to a Host it does not know, so the request names the first entry of
ALLOWED_HOSTS rather than 127.0.0.1. /healthz is exempt from the HTTPS redirect
(SECURE_REDIRECT_EXEMPT), so plain HTTP is fine. Exit status 0 = healthy, 1 = not.
"""

import os
import sys
import urllib.error
import urllib.request


def host_header() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def main() -> int:
    request = urllib.request.Request("http://127.0.0.1:8000/healthz", headers={"Host": host_header()})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
