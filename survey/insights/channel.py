"""The insights channel: the worker enriches answers and keeps the rollups, job by job.

Each job is done in one transaction (enrich the response's text answers, recount its
survey's day) and recorded like any outbox row, so a worker killed mid-batch repeats at most
the job in flight, which is harmless: both steps replace rows rather than add to them.
Before its jobs, each pass queues a recount of the days whose invitations were sent since the
last pass (the response rate's denominator), found through a high-water mark.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select

from survey.database import utcnow
from survey.distribution.models import Invitation
from survey.extensions import db
from survey.insights.enrichment import (
    enrich_responses,
    forget_answers,
    not_text_enrichment,
    stale_text_answers,
    store_enrichment,
    text_answers_of,
)
from survey.insights.jobs import queue_day
from survey.insights.models import InsightJob, InsightMark, JobStatus
from survey.insights.rollups import InsightSettings, refresh_day, refresh_survey
from survey.outbox.channels import (
    Clock,
    Outcome,
    QueueChannel,
    Result,
    RowQueue,
    StopCheck,
    register_channel,
    send_batch,
)
from survey.outbox.queue import BatchReport, OutboxSettings, claim_rows

logger = logging.getLogger(__name__)

#: The mark of invitation sends already counted.
SENT_MARK = "invitations_sent"
#: Done jobs are kept this long (what the worker did lately), then deleted.
KEEP_DONE = timedelta(days=1)
#: Sends committed a little out of order (two workers) still land after the mark's lag.
_MARK_LAG = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed job, as plain values."""

    id: int
    response_id: int | None
    survey_id: int | None
    day: date | None
    attempts: int
    #: False when a later job of the same batch recounts the same survey day anyway.
    recount: bool = True


def process_job(job: Job, settings: InsightSettings) -> None:
    """Enrich the job's response and recount what it touched; the caller commits."""
    if job.response_id is not None:
        enrich_responses([job.response_id])
    if job.survey_id is None or not job.recount:
        return
    if job.day is not None:
        refresh_day(job.survey_id, job.day, settings)
        return
    enrich_survey(job.survey_id)
    refresh_survey(job.survey_id, settings)


def enrich_survey(survey_id: int) -> int:
    """Bring a survey's enrichment in line with its questions; return answers enriched.

    After a question changed kind, answers that are no longer free text lose their
    enrichment and text answers without one get it; nothing else is analysed again.
    """
    forget_answers(list(db.session.scalars(not_text_enrichment(survey_id))))
    done = 0
    after_id = 0
    while batch := stale_text_answers(after_id, 500, survey_id=survey_id):
        forget_answers([answer.answer_id for answer in batch])
        store_enrichment(batch, processes=1)
        after_id = batch[-1].answer_id
        done += len(batch)
    return done


class InsightQueue(RowQueue[Job]):
    """Pending insight jobs, oldest first."""

    model = InsightJob

    def __init__(self, settings: OutboxSettings, insight_settings: InsightSettings) -> None:
        self.settings = settings
        self.insight_settings = insight_settings

    def claim(self, worker: str, now: datetime) -> list[int]:
        """Lease a batch of due jobs to this worker."""
        return claim_rows(
            InsightJob,
            [InsightJob.status == JobStatus.PENDING, InsightJob.send_after <= now],
            [InsightJob.id],
            worker,
            self.settings,
            now,
        )

    def load(self, row_ids: Sequence[int], now: datetime) -> list[Job]:
        """Read the claimed jobs."""
        rows = db.session.execute(
            select(
                InsightJob.id,
                InsightJob.response_id,
                InsightJob.survey_id,
                InsightJob.day,
                InsightJob.attempts,
            )
            .where(InsightJob.id.in_(row_ids))
            .order_by(InsightJob.id)
        ).all()
        db.session.commit()
        return _coalesced([Job(*row) for row in rows])

    def row_id(self, item: Job) -> int:
        """Return the job id."""
        return item.id

    def send(self, connection: Any, item: Job, now: datetime) -> Result:
        """Do one job in its own transaction and return what to record."""
        attempts = item.attempts + 1
        try:
            process_job(item, self.insight_settings)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            logger.exception("insight job %s failed", item.id)
            values: dict[str, Any] = {"attempts": attempts, "last_error": repr(error)[:500]}
            if attempts < self.settings.max_attempts:
                values["send_after"] = now + self.settings.backoff(attempts)
                return Result(Outcome.RETRY, values)
            values["status"] = JobStatus.FAILED
            return Result(Outcome.FAILED, values)
        return Result(
            Outcome.SENT, {"attempts": attempts, "status": JobStatus.DONE, "done_at": now}
        )

    def retry_later(self, item: Job, error: str, now: datetime) -> Result:
        """Hand a job back untried."""
        return Result(Outcome.RETRY, {"send_after": now})


def _coalesced(jobs: list[Job]) -> list[Job]:
    """Leave each survey day's recount to its batch's last job (a burst of answers: one)."""
    last: dict[tuple[int | None, date | None], int] = {}
    for position, job in enumerate(jobs):
        last[(job.survey_id, job.day)] = position
    return [
        replace(job, recount=last[(job.survey_id, job.day)] == position)
        for position, job in enumerate(jobs)
    ]


def prune_done_jobs(now: datetime) -> int:
    """Delete jobs done more than ``KEEP_DONE`` ago (the queue must not grow forever)."""
    result: Any = db.session.execute(
        delete(InsightJob).where(
            InsightJob.status == JobStatus.DONE, InsightJob.done_at < now - KEEP_DONE
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return int(result.rowcount or 0)


def queue_new_sends(settings: InsightSettings) -> int:
    """Queue a recount of each survey day with invitations sent since the mark; commit."""
    mark = db.session.get(InsightMark, SENT_MARK)
    since = mark.value - _MARK_LAG if mark is not None else None
    newest = db.session.scalar(select(func.max(Invitation.sent_at)))
    if newest is None or (mark is not None and newest <= mark.value):
        db.session.rollback()
        return 0
    query = select(
        Invitation.survey_id, func.min(Invitation.sent_at), func.max(Invitation.sent_at)
    ).where(Invitation.sent_at.is_not(None))
    if since is not None:
        query = query.where(Invitation.sent_at > since)
    queued = 0
    spans: list[Any] = list(db.session.execute(query.group_by(Invitation.survey_id)))
    for survey_id, first, last in spans:
        for day in settings.days_between(first, last):
            queue_day(survey_id, day)
            queued += 1
    if mark is None:
        db.session.add(InsightMark(name=SENT_MARK, value=newest))
    else:
        mark.value = newest
    db.session.commit()
    return queued


class InsightChannel(QueueChannel):
    """The insight jobs, after catching up with the invitations sent since the last pass."""

    def __init__(self, queue: InsightQueue, settings: OutboxSettings) -> None:
        super().__init__("insights", [queue], settings)
        self.queue = queue

    def send_due(
        self, worker: str, *, should_stop: StopCheck, clock: Clock = utcnow
    ) -> BatchReport:
        """Queue recounts for new sends, then do one batch of jobs."""
        queue_new_sends(self.queue.insight_settings)
        prune_done_jobs(clock())
        if should_stop():
            return BatchReport()
        return send_batch(self.queue, worker, self.settings, should_stop=should_stop, clock=clock)


def insight_channel(app: Flask, settings: OutboxSettings) -> InsightChannel:
    """Build the insights channel from the app's config (one per worker)."""
    queue = InsightQueue(settings, InsightSettings.from_config(app.config))
    return InsightChannel(queue, settings)


def register(app: Flask) -> None:
    """Let the app's worker enrich answers and keep the rollups."""
    register_channel(app, "insights", insight_channel)


__all__ = [
    "InsightChannel",
    "InsightQueue",
    "Job",
    "process_job",
    "queue_new_sends",
    "register",
    "text_answers_of",
]
