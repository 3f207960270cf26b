"""Enrichment runs in the worker, never in the customer's request, and feeds the rollups."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.database import utcnow
from survey.extensions import db
from survey.insights.enrichment import ANALYZER_VERSION
from survey.insights.models import (
    AnswerEnrichment,
    AnswerPhrase,
    DailyRollup,
    InsightJob,
    JobStatus,
)
from survey.insights.rebuild import enrich_stale
from tests.insights.dataset import SCANNER
from tests.insights.factories import answer, invite, run_worker, save_score

COMPLAINT = "Nadie me escuchó y es la tercera vez que llamo. Me voy a dar de baja."


def test_a_completed_answer_is_enriched_by_one_worker_pass(app: Flask) -> None:
    with app.app_context():
        token = invite("ana@example.com")
        answer(token, {"nps": "2", "ces": "2", "heard": "no", "comment": COMPLAINT})
        # The customer's request only queued the work.
        assert db.session.scalar(select(func.count()).select_from(AnswerEnrichment)) == 0
        assert db.session.scalar(select(func.count()).select_from(InsightJob)) == 1
    output = run_worker(app)
    assert "insights: 1 sent" in output
    with app.app_context():
        enrichment = db.session.scalars(select(AnswerEnrichment)).one()
        assert enrichment.language == "es"
        assert enrichment.label == "negative"
        assert enrichment.analyzer_version == ANALYZER_VERSION
        assert enrichment.churn
        assert enrichment.not_heard
        assert enrichment.repeat_contact
        assert not enrichment.mismatch  # a detractor with negative words agrees
        assert db.session.scalar(select(func.count()).select_from(AnswerPhrase)) > 0
        rollup = db.session.scalars(select(DailyRollup)).one()
        assert (rollup.responses, rollup.detractors, rollup.ces_2, rollup.heard_no) == (1, 1, 1, 1)
        assert (rollup.texts, rollup.negatives, rollup.churn, rollup.not_heard) == (1, 1, 1, 1)
        assert rollup.language == "es"
        assert rollup.polarity_sum == enrichment.polarity


def test_a_second_pass_changes_nothing(app: Flask) -> None:
    with app.app_context():
        answer(invite("ana@example.com"), {"nps": "10", "comment": "Lucía fue muy amable"})
    run_worker(app)
    with app.app_context():
        before = db.session.execute(select(DailyRollup.responses, DailyRollup.promoters)).all()
    assert "insights: 0 sent" in run_worker(app)
    with app.app_context():
        assert (
            db.session.execute(select(DailyRollup.responses, DailyRollup.promoters)).all() == before
        )
        assert before == [(1, 1)]


def test_a_scanner_click_stays_out_until_a_person_confirms_it(app: Flask) -> None:
    with app.app_context():
        token = invite("ana@example.com")
        save_score(token, 10, SCANNER)
    run_worker(app)
    with app.app_context():
        assert db.session.scalars(select(DailyRollup)).all() == []
        save_score(token, 4)  # the customer's own click: confirmed
    run_worker(app)
    with app.app_context():
        rollup = db.session.scalars(select(DailyRollup)).one()
        assert (rollup.responses, rollup.detractors, rollup.promoters) == (1, 1, 0)


def test_a_burst_of_answers_on_one_day_is_recounted_once_per_batch(app: Flask) -> None:
    with app.app_context():
        for number in range(5):
            answer(invite(f"c{number}@example.com"), {"nps": str(5 + number)})
    assert "insights: 5 sent" in run_worker(app)
    with app.app_context():
        rollup = db.session.scalars(select(DailyRollup)).one()
        assert (rollup.responses, rollup.detractors, rollup.passives, rollup.promoters) == (
            5,
            2,
            2,
            1,
        )


def test_done_jobs_are_kept_a_day_then_deleted(app: Flask) -> None:
    with app.app_context():
        answer(invite("ana@example.com"), {"nps": "9"})
        db.session.add(
            InsightJob(status=JobStatus.DONE, done_at=utcnow() - timedelta(days=2), attempts=1)
        )
        db.session.commit()
    run_worker(app)
    with app.app_context():
        left = db.session.execute(select(InsightJob.status, InsightJob.attempts)).all()
        assert left == [(JobStatus.DONE, 1)]  # today's job stays, the old one is gone


class _StopError(Exception):
    pass


def _stop(_done: int) -> None:
    raise _StopError


def test_an_interrupted_rebuild_resumes_where_it_stopped(app: Flask) -> None:
    with app.app_context():
        for number in range(5):
            answer(invite(f"c{number}@example.com"), {"nps": "8", "comment": COMPLAINT})
        with pytest.raises(_StopError):
            enrich_stale(batch_size=2, processes=1, progress=_stop)
        first = db.session.execute(
            select(AnswerEnrichment.answer_id, AnswerEnrichment.enriched_at)
        ).all()
        assert len(first) == 2
        assert enrich_stale(batch_size=2, processes=1) == 3
        rows = db.session.execute(
            select(AnswerEnrichment.answer_id, AnswerEnrichment.enriched_at)
        ).all()
        again = {row[0]: row[1] for row in rows}
        assert len(again) == 5
        assert all(again[answer_id] == enriched_at for answer_id, enriched_at in first)


def test_rebuild_since_a_date_and_a_bad_date(app: Flask) -> None:
    with app.app_context():
        answer(invite("ana@example.com"), {"nps": "3", "comment": COMPLAINT})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["insights", "rebuild", "--since", "2999-01-01"])
    assert result.exit_code == 0, result.output
    assert "0 answers enriched" in result.output
    result = runner.invoke(args=["insights", "rebuild", "--since", "2026-13-01"])
    assert result.exit_code == 2
    assert "--since" in result.output
    result = runner.invoke(args=["insights", "rebuild"])
    assert "1 answers enriched" in result.output
