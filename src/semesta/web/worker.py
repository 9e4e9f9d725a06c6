"""The job process: ``python -m semesta.web.worker`` runs every queued job, then exits.

Started by :func:`semesta.web.jobs.launch` with the web process's settings, secret and database
in its environment. Its log (``jobs.log`` in the data folder) passes through the NIK redaction
filter.
"""

from __future__ import annotations

import logging
import os


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semesta.web.settings")
    django.setup()
    from semesta.web.jobs import run_queued
    from semesta.web.privacy import RedactFilter

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactFilter())
    ran = run_queued()
    logging.getLogger("semesta.web.worker").info("job process done: %d job(s)", ran)


if __name__ == "__main__":
    main()
