"""`survey insights rebuild` enrichment throughput, beside the bare analysis of the same texts.

A scratch SQLite database gets BENCH_ENRICHMENT_TEXTS completed responses (default 8,000:
enough for ``analysis.sentiment.analyze_many`` to use both cores) with one free-text answer
each, varied sentences in Spanish and English. Heard's figure is the rebuild's enrichment:
read the stale answers in batches, analyse them, write enrichment and phrase rows, commit.
The ceiling, in the same run, is the same analysis with no database at all
(``analyze_many`` + ``intents.detect_many`` + ``themes.mentions`` over the same texts), so the
ratio shows what reading and writing rows (and the SQLite search index) costs on top of the
analysis (target: >= 0.5, the database work no longer than the analysis itself).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import Figure

TEXTS = int(os.environ.get("BENCH_ENRICHMENT_TEXTS", "8000"))
PARTS = (
    ("La factura llegó duplicada", "The invoice came twice"),
    ("el técnico fue muy amable", "the technician was very kind"),
    ("esperé cuarenta minutos al teléfono", "I waited forty minutes on the phone"),
    ("nadie me escuchó", "nobody listened to me"),
    ("resolvieron todo rápido", "they fixed everything quickly"),
    ("me voy a dar de baja", "I am going to cancel"),
    ("la aplicación no funciona", "the app does not work"),
    ("gracias a Lucía", "thanks to Lucy"),
)


def _texts(count: int) -> list[tuple[str, str]]:
    rng = random.Random(count)
    texts = []
    for _ in range(count):
        language = rng.choice((0, 0, 1))
        chosen = rng.sample(PARTS, k=rng.randint(1, 3))
        joiner = (", pero ", ", but ")[language]
        texts.append((joiner.join(part[language] for part in chosen) + ".", ("es", "en")[language]))
    return texts


def _load(db: Any, survey_id: int, question_id: int, texts: list[tuple[str, str]]) -> None:
    from sqlalchemy import text

    start = datetime(2026, 1, 1, tzinfo=UTC)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contact (id, email, locale, created_at) "
                "VALUES (1, 'b@example.org', 'es', :t)"
            ),
            {"t": start.replace(tzinfo=None)},
        )
        invitations, responses, answers = [], [], []
        for n, (body, locale) in enumerate(texts, start=1):
            moment = (start + timedelta(minutes=n)).replace(tzinfo=None)
            invitations.append({"id": n, "s": survey_id, "l": locale, "t": moment})
            responses.append({"id": n, "s": survey_id, "l": locale, "t": moment})
            answers.append({"id": n, "r": n, "q": question_id, "x": body, "t": moment})
        connection.execute(
            text(
                "INSERT INTO invitation (id, survey_id, contact_id, status, origin, locale, "
                "send_after, created_at, attempts, reminder_attempts) "
                "VALUES (:id, :s, 1, 'answered', 'rule', :l, :t, :t, 1, 0)"
            ),
            invitations,
        )
        connection.execute(
            text(
                "INSERT INTO response (id, invitation_id, survey_id, locale, started_at, "
                "completed_at, suspected_scanner, updated_at) "
                "VALUES (:id, :id, :s, :l, :t, :t, 0, :t)"
            ),
            responses,
        )
        connection.execute(
            text(
                "INSERT INTO answer (id, response_id, question_id, text_value, created_at) "
                "VALUES (:id, :r, :q, :x, :t)"
            ),
            answers,
        )


def _bare(texts: list[tuple[str, str]]) -> float:
    from analysis import intents, sentiment, themes

    bodies = [body for body, _ in texts]
    started = time.perf_counter()
    found = []
    for locale in ("es", "en"):
        chosen = [body for body, code in texts if code == locale]
        found.extend(sentiment.analyze_many(chosen, fallback=locale))
    languages = [s.language if s.language in ("es", "en") else "es" for s in found]
    intents.detect_many(bodies, languages)
    for body, feeling, language in zip(bodies, found, languages, strict=True):
        themes.mentions(body, language, polarity=feeling.polarity)
    return time.perf_counter() - started


def run() -> list[Figure]:
    """Enrich TEXTS answers through the rebuild and through bare analysis."""
    from flask_migrate import upgrade

    from survey import create_app
    from survey.extensions import db
    from survey.insights.rebuild import enrich_stale
    from survey.surveys.services import ensure_default_survey

    texts = _texts(TEXTS)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("SURVEY_INSTANCE_PATH", folder)
        url = f"sqlite:///{Path(folder) / 'enrichment.sqlite3'}"
        app = create_app({"ENV_NAME": "testing", "SURVEY_DATABASE_URL": url})
        with app.app_context():
            upgrade()
            survey = ensure_default_survey()
            comment = next(q for q in survey.questions if q.key == "comment")
            _load(db, survey.id, comment.id, texts)
            _bare(texts[:50])  # models loaded before either clock starts
            bare = _bare(texts)
            started = time.perf_counter()
            enriched = enrich_stale()
            heard = time.perf_counter() - started
            assert enriched == len(texts), enriched
            db.session.remove()
            db.engine.dispose()
    print(f"  {len(texts):,} answers: rebuild {heard:.1f} s, bare analysis {bare:.1f} s")
    return [
        Figure(
            f"rebuild enrichment, {len(texts):,} answers (sqlite)",
            "answers/s",
            len(texts) / heard,
            len(texts) / bare,
            "same analysis, no database",
            target=0.5,
        )
    ]
