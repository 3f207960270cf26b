"""Rollups equal a recount from the raw rows after any sequence of changes (both databases).

Each seeded sequence applies a few dozen random steps: new customers, completions, scores
saved from the email and scanner clicks, erasures (a response, an answer's text, a whole
contact), survey edits (a question deleted or given another kind) and re-enrichment; the
worker runs at random points. After the last pass every rollup row equals the recount.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import select

from survey.contacts.models import Contact
from survey.distribution.models import Invitation
from survey.extensions import db
from survey.insights import enrichment
from survey.insights.models import DAILY_COUNTS, ROLLUP_KEYS, AgentRollup, DailyRollup, PhraseRollup
from survey.insights.rebuild import enrich_stale
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, QuestionKind
from tests.insights import dataset
from tests.insights.factories import run_worker


def _stored(
    model: Any, extra: tuple[str, ...], values: tuple[str, ...]
) -> dict[tuple[Any, ...], list[Any]]:
    rows: dict[tuple[Any, ...], list[Any]] = {}
    for row in db.session.scalars(select(model)):
        key = tuple(getattr(row, name) for name in (*ROLLUP_KEYS, *extra))
        assert key not in rows, f"two {model.__tablename__} rows for {key}"
        rows[key] = [getattr(row, name) for name in values]
    return rows


def _close(left: list[Any], right: list[Any]) -> bool:
    return len(left) == len(right) and all(
        math.isclose(a, b, abs_tol=1e-9) for a, b in zip(left, right, strict=True)
    )


def assert_rollups_match_recount() -> None:
    raw = dataset.recount()
    daily = _stored(DailyRollup, (), DAILY_COUNTS)
    expected = {key: [row[name] for name in DAILY_COUNTS] for key, row in raw.daily.items()}
    assert daily.keys() == expected.keys()
    for key, values in expected.items():
        assert _close(daily[key], values), (key, daily[key], values)
    phrases = _stored(PhraseRollup, ("category", "theme", "phrase"), ("answers", "polarity_sum"))
    assert phrases.keys() == raw.phrases.keys()
    for key, values in raw.phrases.items():
        assert _close(phrases[key], values), key
    agents = _stored(AgentRollup, ("agent",), ("promoters", "passives", "detractors"))
    assert agents == {key: list(values) for key, values in raw.agents.items()}


def _insert(rng: random.Random, counter: list[int]) -> str:
    [invitation_id] = dataset.make_touchpoints(rng, 1, start=counter[0])
    counter[0] += 1
    # Sends happen in time order (the mail worker stamps the time it sends): after the
    # three weeks of the starting data, a few hours apart.
    sent_at = dataset.NOW + timedelta(days=21, hours=3 * counter[0] + rng.randint(0, 2))
    dataset.mark_sent(invitation_id, sent_at)
    if rng.random() < 0.7:
        moment = sent_at + timedelta(minutes=rng.randint(1, 900))
        dataset.answer_randomly(rng, invitation_id, moment)
    return "insert"


def _complete(rng: random.Random, _counter: list[int]) -> str:
    partial = list(db.session.scalars(select(Response).where(Response.completed_at.is_(None))))
    if not partial:
        return "nothing"
    chosen = rng.choice(partial)
    definition = dataset._reference(chosen.invitation_id)[1]
    moment = chosen.started_at + timedelta(minutes=rng.randint(1, 300))
    dataset.complete(chosen.invitation_id, dataset.random_values(rng, definition), moment)
    return "complete"


def _erase_response(rng: random.Random, _counter: list[int]) -> str:
    responses = list(db.session.scalars(select(Response).order_by(Response.id)))
    if not responses:
        return "nothing"
    db.session.delete(rng.choice(responses))
    db.session.commit()
    return "erase response"


def _erase_text(rng: random.Random, _counter: list[int]) -> str:
    texts = list(
        db.session.scalars(select(Answer).join(Question).where(Question.kind == QuestionKind.TEXT))
    )
    if not texts:
        return "nothing"
    rng.choice(texts).text_value = ""
    db.session.commit()
    return "erase text"


def _change_contact(rng: random.Random, _counter: list[int]) -> str:
    contact = rng.choice(list(db.session.scalars(select(Contact).order_by(Contact.id))))
    if rng.random() < 0.5:
        db.session.delete(contact)
        db.session.commit()
        return "erase contact"
    contact.segment = rng.choice(["pyme", "grande", None])
    db.session.commit()
    return "move contact"


def _edit_survey(rng: random.Random, _counter: list[int]) -> str:
    editable = [QuestionKind.CES, QuestionKind.TEXT, QuestionKind.CHOICE]
    questions = list(db.session.scalars(select(Question).where(Question.kind.in_(editable))))
    if not questions:
        return "nothing"
    question = rng.choice(questions)
    if rng.random() < 0.3:
        db.session.delete(question)
    elif question.kind is QuestionKind.CHOICE:
        question.kind = QuestionKind.TEXT
    else:
        question.kind = QuestionKind.CHOICE
    db.session.commit()
    return "edit survey"


def _reenrich(_rng: random.Random, _counter: list[int]) -> str:
    """Re-enrich everything as after an analyzer upgrade (replaced rows, same figures)."""
    original = enrichment.ANALYZER_VERSION
    enrichment.ANALYZER_VERSION = original + "+next"  # type: ignore[misc]
    try:
        enrich_stale(processes=1)
    finally:
        enrichment.ANALYZER_VERSION = original  # type: ignore[misc]
    db.session.commit()
    return "re-enrich"


def _pass(_rng: random.Random, _counter: list[int]) -> str:
    _worker()
    return "worker"


STEPS = (
    (_insert, 30),
    (_complete, 15),
    (_erase_response, 12),
    (_erase_text, 10),
    (_change_contact, 8),
    (_edit_survey, 7),
    (_reenrich, 5),
    (_pass, 13),
)


def _worker() -> None:
    """Run one worker pass from inside the test's app context (fresh reads afterwards)."""
    db.session.commit()
    run_worker(current_app._get_current_object())  # type: ignore[attr-defined]
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_recount_after_random_changes(app: Flask, seed: int) -> None:
    rng = random.Random(seed)
    with app.app_context():
        dataset.build(seed, count=12)
        counter = [100]
        steps, weights = zip(*STEPS, strict=True)
        for step in rng.choices(steps, weights, k=30):
            step(rng, counter)
        _worker()
        assert_rollups_match_recount()


def test_rebuild_repairs_rollups_and_resumes_enrichment(app: Flask) -> None:
    with app.app_context():
        dataset.build(7, count=15)
        run_worker(app)
        # Damage: rollups wiped and half the enrichment gone.
        db.session.execute(DailyRollup.__table__.delete())
        first = db.session.scalars(select(Invitation.id)).first()
        assert first is not None
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["insights", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "survey days recounted" in result.output
    with app.app_context():
        assert_rollups_match_recount()
        again = app.test_cli_runner().invoke(args=["insights", "rebuild"])
        assert again.output.splitlines()[-1].startswith("0 answers enriched")
