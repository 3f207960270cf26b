"""``survey insights rebuild``: enrich again what an older analysis saw, then recount rollups.

Enrichment goes in batches in answer-id order, each committed on its own: a stopped rebuild
resumes where it stopped, since an answer already enriched by this ``ANALYZER_VERSION`` is
not chosen again. Batches are big enough for ``analyze_many`` to score on every core.
Rollups are then recounted day by day for every survey (one transaction per batch of days).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from survey.extensions import db
from survey.insights.enrichment import (
    count_stale_text_answers,
    forget_answers,
    stale_text_answers,
    store_enrichment,
)
from survey.insights.rollups import InsightSettings, refresh_day, survey_days

logger = logging.getLogger(__name__)

#: Answers per enrichment batch: two of analysis.sentiment's chunks per core on two cores.
ENRICH_BATCH = 8_000
#: Survey days recounted per transaction.
DAYS_PER_COMMIT = 50

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did."""

    enriched: int
    days: int


def answers_to_enrich(since: datetime | None = None) -> int:
    """Count the text answers a rebuild would enrich."""
    return count_stale_text_answers(since)


def enrich_stale(
    since: datetime | None = None,
    *,
    batch_size: int = ENRICH_BATCH,
    processes: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Enrich every answer missing this analyzer version's enrichment; return how many."""
    after_id = 0
    done = 0
    while True:
        batch = stale_text_answers(after_id, batch_size, since)
        if not batch:
            return done
        forget_answers([answer.answer_id for answer in batch])
        store_enrichment(batch, processes=processes)
        db.session.commit()
        after_id = batch[-1].answer_id
        done += len(batch)
        logger.info("enriched %s answers (up to answer %s)", done, after_id)
        if progress is not None:
            progress(len(batch))


def days_to_recount(
    settings: InsightSettings, since: datetime | None = None
) -> list[tuple[int, date]]:
    """Return the (survey, local day) pairs a rebuild recounts."""
    return survey_days(settings, since=since)


def recount_days(
    settings: InsightSettings,
    days: list[tuple[int, date]],
    *,
    progress: Progress | None = None,
) -> int:
    """Recount the rollups of the given survey days, committing in batches; return days."""
    for start in range(0, len(days), DAYS_PER_COMMIT):
        chunk = days[start : start + DAYS_PER_COMMIT]
        for survey_id, day in chunk:
            refresh_day(survey_id, day, settings)
        db.session.commit()
        if progress is not None:
            progress(len(chunk))
    logger.info("recounted %s survey days", len(days))
    return len(days)


def rebuild(settings: InsightSettings, since: datetime | None = None) -> RebuildReport:
    """Enrich what is stale, then recount every survey day (from ``since``)."""
    enriched = enrich_stale(since)
    days = recount_days(settings, days_to_recount(settings, since))
    return RebuildReport(enriched, days)
