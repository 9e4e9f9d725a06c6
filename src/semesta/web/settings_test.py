"""Settings for the test suite: the real settings with a test secret, a fast password hasher and
a file-backed SQLite test database (job processes started by a test open the same file)."""

import os
import tempfile

os.environ.setdefault("SEMESTA_SECRET_KEY", "semesta-test-suite-only")
os.environ.setdefault("SEMESTA_DATA_DIR", os.path.join(tempfile.gettempdir(), "semesta-test-web"))

from semesta.web.settings import *  # noqa: F403
from semesta.web.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"semesta-test-{os.getpid()}.sqlite3")
    }
