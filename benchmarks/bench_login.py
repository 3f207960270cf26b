"""Staff login time for an unknown email beside a known email with a wrong password.

Both go through the real login form (CSRF, validation, failure counters, the password hash)
with Flask's test client on a migrated SQLite database, in alternating order so that whatever
else the machine does weighs on both. An unknown email still hashes a dummy password, so the
two medians should match: the figure is the faster median over the slower one, and the
target (0.8) means "they differ by under 25 %", i.e. the time does not tell who has an account.

Environment: BENCH_LOGINS (attempts per kind, default 60).
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import Figure

ATTEMPTS = int(os.environ.get("BENCH_LOGINS", "60"))
PASSWORD = "correct horse battery"  # noqa: S105 - a throwaway account in a temp database
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def run() -> list[Figure]:
    """Measure the median login time of both kinds of failed login."""
    from flask_migrate import upgrade

    from survey import create_app
    from survey.auth.services import create_user
    from survey.extensions import db

    with tempfile.TemporaryDirectory(prefix="heard-bench-login-") as folder:
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SURVEY_DATABASE_URL": f"sqlite:///{Path(folder) / 'heard.sqlite3'}",
                # Counters high enough never to answer 429 here: only the check is timed.
                "SURVEY_RATELIMIT_LOGIN_ACCOUNT": "100000 per hour",
                "SURVEY_RATELIMIT_LOGIN_IP": "100000 per hour",
            }
        )
        with app.app_context():
            upgrade()
            create_user("known@example.com", PASSWORD, "analyst")
        client = app.test_client()
        token = _CSRF.search(client.get("/login").text)
        assert token, "no CSRF token on /login"

        def attempt(email: str) -> float:
            data = {"email": email, "password": "not the password", "csrf_token": token.group(1)}
            started = time.perf_counter()
            response = client.post("/login", data=data)
            elapsed = time.perf_counter() - started
            assert response.status_code == 422, response.status_code
            return elapsed

        unknown: list[float] = []
        known: list[float] = []
        for number in range(ATTEMPTS + 5):
            first, second = (unknown, known) if number % 2 else (known, unknown)
            for timings in (first, second):
                email = "known@example.com" if timings is known else f"nobody{number}@example.com"
                seconds = attempt(email)
                if number >= 5:  # the first rounds warm caches and the dummy hash
                    timings.append(seconds)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    median_unknown = statistics.median(unknown) * 1000
    median_known = statistics.median(known) * 1000
    print(
        f"   median login: unknown email {median_unknown:.1f} ms, "
        f"known email with a wrong password {median_known:.1f} ms ({ATTEMPTS} each)",
        flush=True,
    )
    return [
        Figure(
            name="login time, unknown email vs wrong password (slower median)",
            unit="ms",
            heard=max(median_unknown, median_known),
            ceiling=min(median_unknown, median_known),
            ceiling_label="the faster of the two medians",
            higher_is_better=False,
            target=0.8,
        )
    ]
