"""``survey demo``: realistic, deterministic demo data with stories the dashboards must find."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from analysis.experience import Verdict
from analysis.integrity import SignalCode
from survey.contacts.models import Contact, Team
from survey.demo.comments import THEMES, bank, bank_polarity, compose_comment
from survey.demo.services import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, load_demo
from survey.distribution.models import Invitation, InvitationOrigin, Touchpoint
from survey.extensions import db
from survey.insights import queries
from survey.insights.filters import DashboardFilter
from survey.insights.integrity import team_signals
from survey.insights.models import AnswerEnrichment
from survey.insights.rollups import InsightSettings
from survey.responding.models import Answer, Response
from survey.surveys.models import Question, Survey
from tests.helpers import AuthActions, make_invitation

DAY = date(2026, 3, 16)
SMALL = ["demo", "--contacts", "300"]
ENGLISH = {"Accept-Language": "en"}


def count(model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def delivered() -> int:
    """Invitations that reached the customer: emailed by the worker or handed out by hand."""
    return count(Invitation, Invitation.status.in_(["sent", "answered"]))


def _team(slug: str) -> Any:
    return Response.team_id == select(Team.id).where(Team.slug == slug).scalar_subquery()


def nps_of(*where: Any) -> tuple[float, int]:
    """Return the NPS and the number of completed answers matching the conditions, in SQL."""
    score = Answer.number_value
    row = db.session.execute(
        select(
            func.count(),
            func.sum(case((score >= 9, 1), else_=0)),
            func.sum(case((score <= 6, 1), else_=0)),
        )
        .select_from(Response)
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, and_(Question.id == Answer.question_id, Question.key == "nps"))
        .join(Team, Team.id == Response.team_id)
        .where(Response.completed_at.is_not(None), *where)
    ).one()
    answers, promoters, detractors = int(row[0]), int(row[1] or 0), int(row[2] or 0)
    return (100 * (promoters - detractors) / answers if answers else 0.0), answers


def comments_of(*where: Any, min_score: int = 0) -> list[tuple[str, str, int]]:
    """Return (locale, comment, nps) of completed responses matching the conditions."""
    comment, score = aliased(Answer), aliased(Answer)
    comment_q, score_q = aliased(Question), aliased(Question)
    rows = db.session.execute(
        select(Response.locale, comment.text_value, score.number_value)
        .join(comment, comment.response_id == Response.id)
        .join(comment_q, and_(comment_q.id == comment.question_id, comment_q.key == "comment"))
        .join(score, score.response_id == Response.id)
        .join(score_q, and_(score_q.id == score.question_id, score_q.key == "nps"))
        .join(Team, Team.id == Response.team_id)
        .where(Response.completed_at.is_not(None), score.number_value >= min_score, *where)
    ).all()
    return [(locale, text, int(number)) for locale, text, number in rows]


def negative_share(rows: list[tuple[str, str, int]]) -> float:
    """Share of comments whose bank sentences are, on balance, negative."""
    return sum(bank_polarity(text, locale) < 0 for locale, text, _ in rows) / len(rows)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every demo row by natural keys (database ids differ between runs on PostgreSQL)."""
    contact = {c.id: c.external_id for c in db.session.scalars(select(Contact))}
    team = {t.id: t.slug for t in db.session.scalars(select(Team))}
    point = {t.id: t.external_id for t in db.session.scalars(select(Touchpoint))}
    question = {q.id: q.key for q in db.session.scalars(select(Question))}
    anchor = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    invitations, keys = [], {}
    for i in db.session.scalars(select(Invitation)):
        # The two open links carry real random tokens, on purpose: only they may differ.
        token = None if i.created_at == anchor else i.token_hash
        key = (contact[i.contact_id], point.get(i.touchpoint_id), i.created_at, token)
        keys[i.id] = key
        invitations.append(
            (*key, team[i.team_id], i.status, i.origin, i.locale, i.send_after, i.sent_at)
            # The Message-ID holds the row id, as the worker's does: compare its presence.
            + (i.expires_at, i.skip_reason, i.message_id is not None, i.opened_at, i.last_error)
        )
    answers = [
        (keys[r.invitation_id], r.started_at, r.completed_at, r.suspected_scanner, r.ip_address)
        + (
            r.user_agent,
            tuple(
                sorted((question[a.question_id], a.number_value, a.text_value) for a in r.answers)
            ),
        )
        for r in db.session.scalars(select(Response))
    ]
    return {
        "contacts": sorted(
            (c.external_id, c.email, c.name, c.locale, c.timezone, c.segment, c.lifecycle_stage)
            + (team[c.team_id], c.unsubscribed_at, c.created_at)
            for c in db.session.scalars(select(Contact))
        ),
        "touchpoints": sorted(
            (t.external_id, t.type, team[t.team_id], contact[t.contact_id], t.agent, t.source)
            + (t.occurred_at, tuple(sorted(t.details.items())))
            for t in db.session.scalars(select(Touchpoint))
        ),
        "invitations": sorted(invitations, key=repr),
        "responses": sorted(answers, key=repr),
    }


def delete_everything() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def test_small_demo_has_plausible_counts(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=SMALL)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count(Contact) == 300
        assert count(Team) == 5
        assert 1.5 * 300 <= count(Touchpoint) <= 3 * 300
        english = count(Contact, Contact.locale == "en") / 300
        assert 0.25 <= english <= 0.45
        assert count(Contact, Contact.timezone.is_(None)) == 0
        assert count(Contact, Contact.unsubscribed_at.is_not(None)) > 0
        responses = count(Response)
        assert 0.25 <= responses / delivered() <= 0.45
        reasons = Counter(db.session.scalars(select(Invitation.skip_reason)))
        # The survey's real rules decide: the default survey samples everyone (rate 1.0).
        assert reasons["fatigue"] > 0
        assert reasons["unsubscribed"] > 0
        assert set(reasons) <= {None, "fatigue", "unsubscribed", "duplicate"}
        # Only states the app writes: no token before sending, none on a hand-made link's
        # sent_at, a Message-ID on every email the worker sent, never an opened_at.
        assert count(Invitation, Invitation.opened_at.is_not(None)) == 0
        assert (
            count(Invitation, Invitation.status == "pending", Invitation.token_hash.is_not(None))
            == 0
        )
        assert (
            count(Invitation, Invitation.sent_at.is_not(None), Invitation.message_id.is_(None)) == 0
        )
        assert (
            count(Invitation, Invitation.origin == "manual", Invitation.sent_at.is_not(None)) == 0
        )
        completed = count(Response, Response.completed_at.is_not(None))
        assert 0 < completed < responses  # a few partial ones
        stages = set(db.session.scalars(select(Contact.lifecycle_stage)))
        assert stages == {"trial", "new", "established", "at_risk"}
        triggers = db.session.scalar(select(Survey.triggers))
        assert set(triggers) == set(db.session.scalars(select(Touchpoint.type)))
        segments = set(db.session.scalars(select(Contact.segment)))
        assert segments == {"smb", "mid_market", "enterprise"}
    assert f"{responses - completed} partial" in result.output
    assert DEMO_ADMIN_EMAIL in result.output
    assert DEMO_ADMIN_PASSWORD in result.output


def test_same_seed_and_day_give_identical_data(app: Flask) -> None:
    with app.app_context():
        load_demo(7, 300, DAY)
        first = snapshot()
        delete_everything()
        load_demo(7, 300, DAY)
        assert snapshot() == first
        delete_everything()
        load_demo(8, 300, DAY)
        assert snapshot()["responses"] != first["responses"]


def test_history_covers_six_months_ending_on_the_day(app: Flask) -> None:
    with app.app_context():
        load_demo(7, 300, DAY)
        anchor = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
        first, last = db.session.execute(
            select(func.min(Touchpoint.occurred_at), func.max(Touchpoint.occurred_at))
        ).one()
        assert anchor - timedelta(days=185) <= first < anchor - timedelta(days=170)
        assert anchor - timedelta(days=4) <= last < anchor
        latest_answer = db.session.scalar(select(func.max(Response.updated_at)))
        assert latest_answer < anchor


def test_small_team_has_few_responses(app: Flask) -> None:
    with app.app_context():
        load_demo(7, 300, DAY)
        assert 0 < count(Response, _team("onboarding")) < 60


def test_if_empty_loads_once_and_then_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=[*SMALL, "--if-empty"]).exit_code == 0
    with app.app_context():
        loaded = count(Response)
    assert loaded > 0
    again = runner.invoke(args=[*SMALL, "--if-empty"])
    assert again.exit_code == 0
    assert "no demo data loaded" in again.output
    with app.app_context():
        assert count(Response) == loaded


def test_loading_twice_is_refused(app: Flask, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=SMALL).exit_code == 0
    with app.app_context():
        contacts = count(Contact)
    again = runner.invoke(args=[*SMALL, "--force"])
    assert again.exit_code == 1
    assert "already loaded" in again.output
    with app.app_context():
        assert count(Contact) == contacts


def test_existing_responses_need_force(app: Flask, runner: FlaskCliRunner) -> None:
    invited = make_invitation(app, team="soporte")
    with app.app_context():
        from survey.responding.services import ClientInfo, InvitationRef, submit_answers
        from survey.surveys.definitions import load_definition

        invitation = InvitationRef.of(db.session.get(Invitation, invited.invitation_id))
        survey = load_definition(invitation.survey_id)
        submit_answers(invitation, survey, {"nps": "8"}, ClientInfo("127.0.0.1", "Mozilla/5.0"))
    refused = runner.invoke(args=SMALL)
    assert refused.exit_code == 1
    assert "1 responses" in refused.output
    assert "--force" in refused.output
    assert runner.invoke(args=[*SMALL, "--if-empty"]).exit_code == 0
    with app.app_context():
        assert count(Contact) == 1
    assert runner.invoke(args=[*SMALL, "--force"]).exit_code == 0
    with app.app_context():
        assert count(Contact) == 301


def test_a_clash_writes_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        db.session.add(Team(slug="logistica", name="Logística"))
        db.session.commit()
    result = runner.invoke(args=SMALL)
    assert result.exit_code == 1
    assert "logistica" in result.output
    with app.app_context():
        assert count(Contact) == count(Touchpoint) == count(Invitation) == 0


def test_demo_login_works(app: Flask, client: FlaskClient, runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=SMALL).exit_code == 0
    response = AuthActions(client, app).login(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_existing_admin_is_left_alone(app: Flask, client: FlaskClient) -> None:
    from survey.auth.services import create_user

    with app.app_context():
        create_user(DEMO_ADMIN_EMAIL, "another-password-1", "analyst")
        summary = load_demo(7, 300, DAY)
    assert not summary.admin_created
    auth = AuthActions(client, app)
    assert auth.login(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD).status_code == 422
    assert auth.login(DEMO_ADMIN_EMAIL, "another-password-1").status_code == 302


def test_printed_links_open_the_survey_in_each_language(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=SMALL)
    links = dict(re.findall(r"^\s+(es|en): http://localhost(/r/\S+)$", result.output, re.M))
    assert set(links) == {"es", "en"}
    for locale, path in links.items():
        page = client.get(path)
        assert page.status_code == 200
        assert f'<html lang="{locale}"' in page.text


@pytest.mark.slow
def test_default_demo_holds_the_stories_to_find(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        summary = load_demo(7, 2000, DAY)
        assert summary.contacts == 2000
        gaming, gaming_n = nps_of(Team.slug == "atencion-premium")
        normal, normal_n = nps_of(Team.slug == "soporte-general")
        assert gaming >= 50
        assert gaming - normal >= 25
        assert gaming_n > 200
        assert normal_n > 250
        _check_gaming_signals()
        _check_improving_team()
        assert 15 <= count(Response, _team("onboarding")) <= 45
        _check_answers_overall(summary.completed)
        _check_danger_zone()
        _check_stories_on_the_dashboards()
    _check_overview_tells_the_stories(app, client)


def _check_gaming_signals() -> None:
    """High scores with angry words in one team; silent 10s given on the spot in another."""
    polite_praise = comments_of(Team.slug == "facturacion", min_score=9)
    normal_praise = comments_of(Team.slug == "soporte-general", min_score=9)
    assert negative_share(polite_praise) >= 0.4
    assert negative_share(normal_praise) <= 0.05
    for slug, low, high in (("atencion-premium", 0.25, 0.5), ("soporte-general", 0.0, 0.08)):
        team_id = select(Team.id).where(Team.slug == slug).scalar_subquery()
        of_team = Invitation.team_id == team_id
        manual = count(Invitation, of_team, Invitation.origin == InvitationOrigin.MANUAL)
        assert low <= manual / count(Invitation, of_team) <= high
    quick = {
        slug: db.session.execute(
            select(Response.completed_at, func.coalesce(Invitation.sent_at, Invitation.send_after))
            .join(Invitation, Invitation.id == Response.invitation_id)
            .where(_team(slug), Response.completed_at.is_not(None))
        ).all()
        for slug in ("atencion-premium", "soporte-general")
    }
    share = {
        slug: sum(done - sent < timedelta(minutes=1) for done, sent in rows) / len(rows)
        for slug, rows in quick.items()
    }
    assert share["atencion-premium"] > 0.3
    assert share["soporte-general"] < 0.05
    # The effort the coerced team's customers report is ordinary: only their 10s are not.
    ces = {
        slug: float(
            db.session.scalar(
                select(func.avg(Answer.number_value))
                .join(Response, Response.id == Answer.response_id)
                .join(Question, and_(Question.id == Answer.question_id, Question.key == "ces"))
                .where(_team(slug))
            )
        )
        for slug in ("atencion-premium", "soporte-general", "facturacion")
    }
    assert abs(ces["atencion-premium"] - ces["soporte-general"]) < 0.5
    assert ces["facturacion"] < ces["soporte-general"] - 0.5


def _check_improving_team() -> None:
    anchor = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    first_month = anchor - timedelta(days=182)
    early, early_n = nps_of(
        Team.slug == "logistica", Response.completed_at < first_month + timedelta(days=30)
    )
    last_month = anchor - timedelta(days=30)
    late, late_n = nps_of(Team.slug == "logistica", Response.completed_at >= last_month)
    assert early_n >= 15
    assert late_n >= 15
    assert late - early >= 40
    # Words warm up too: the gaming team's comments read worse than the improving team's lately.
    gaming = comments_of(Team.slug == "atencion-premium")
    improving = comments_of(Team.slug == "logistica", Response.completed_at >= last_month)
    from analysis.sentiment import analyze_many

    def mean_polarity(rows: list[tuple[str, str, int]]) -> float:
        scored = analyze_many([t for _, t, _ in rows], [loc for loc, _, _ in rows], processes=1)
        return sum(s.polarity for s in scored) / len(scored)

    assert mean_polarity(gaming) < mean_polarity(improving)


def _check_answers_overall(completed: int) -> None:
    assert 0.25 <= count(Response) / delivered() <= 0.45
    comments = [t for _, t, _ in comments_of()]
    # The coerced team's desk 10s come without words, which lowers the share a little.
    assert 0.45 <= len(comments) / completed <= 0.70
    assert len(set(comments)) >= 0.9 * len(comments)
    assert not any(re.search(r"comment \d", text, re.I) for text in comments)
    english = count(Response, Response.locale == "en") / count(Response)
    assert 0.25 <= english <= 0.45
    scanners = db.session.scalars(
        select(Response).where(Response.suspected_scanner.is_(True))
    ).all()
    assert 3 <= len(scanners) <= 40
    assert all(r.completed_at is None and len(r.answers) == 1 for r in scanners)
    unanswered = count(
        Invitation,
        Invitation.sent_at.is_not(None),
        ~select(Response.id).where(Response.invitation_id == Invitation.id).exists(),
    )
    assert unanswered > 0


def _check_danger_zone() -> None:
    """Some customers answer several times with dropping scores."""
    rows = db.session.execute(
        select(Invitation.contact_id, Answer.number_value)
        .join(Response, Response.invitation_id == Invitation.id)
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, and_(Question.id == Answer.question_id, Question.key == "nps"))
        .where(Response.completed_at.is_not(None))
        .order_by(Invitation.contact_id, Response.completed_at)
    ).all()
    scores: dict[int, list[int]] = {}
    for contact_id, number in rows:
        scores.setdefault(contact_id, []).append(int(number))
    repeat = [s for s in scores.values() if len(s) >= 3]
    dropping = [s for s in repeat if s[0] - s[-1] >= 4]
    assert len(repeat) >= 20
    assert len(dropping) >= 5


def _team_ids() -> dict[str, int]:
    return {team.slug: team.id for team in db.session.scalars(select(Team))}


def _check_stories_on_the_dashboards() -> None:
    """What the dashboards read (enrichment and rollups by the real pipeline) tells each story."""
    settings = InsightSettings.from_config(current_app.config)
    ids = _team_ids()
    # The dashboards' default period: the last 90 days.
    recent = DashboardFilter(DAY - timedelta(days=89), DAY)
    table = queries.team_table(recent)
    rows = {row.slug: row.experience for row in table.teams}
    organisation = table.organisation
    assert count(AnswerEnrichment) == len(comments_of())
    # Good scores, bad words: the mismatch team scores above the organisation, while its
    # comments disagree with its scores more than any other team's and read more negative.
    billing = rows["facturacion"]
    assert billing.nps.score > organisation.nps.score
    for slug, other in rows.items():
        if slug != "facturacion":
            assert billing.mismatch.share > other.mismatch.share + 0.15, slug
            assert billing.negative.share > other.negative.share, slug
    assert billing.mean_sentiment is not None
    assert billing.mean_sentiment < 0
    # Coerced 10s: the integrity page flags that team, with silent 10s, answers seconds after
    # the link was made and one shared device, and flags no other team.
    signals = {row.team_id: row for row in team_signals(recent, settings)}
    coerced = {signal.code for signal in signals[ids["atencion-premium"]].triggered}
    assert {SignalCode.SILENT_TENS, SignalCode.FAST_ANSWERS, SignalCode.SHARED_DEVICES} <= coerced
    for slug in ("soporte-general", "logistica", "onboarding", "facturacion"):
        assert not signals[ids[slug]].triggered, slug
    # The small team: too few answers for any verdict in the default period.
    assert rows["onboarding"].verdict is Verdict.NOT_ENOUGH_ANSWERS
    assert rows["onboarding"].verdict_text("en").startswith("Not enough answers")
    # The improving team: over six months its weekly control chart flags a rise.
    six_months = DashboardFilter(
        DAY - timedelta(days=181), DAY, team_ids=frozenset({ids["logistica"]})
    )
    weekly = queries.overview(six_months).weekly
    flagged = [point for point in weekly if point.flagged]
    assert flagged
    assert all(point.drift > 0 for point in flagged)
    assert not any(
        point.flagged and point.drift < 0
        for point in queries.overview(
            DashboardFilter(
                DAY - timedelta(days=181), DAY, team_ids=frozenset({ids["soporte-general"]})
            )
        ).weekly
    )


def _check_overview_tells_the_stories(app: Flask, client: FlaskClient) -> None:
    """/dashboard says which team's words are worse, which score is untrusted, with a quote."""
    AuthActions(client, app).login(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    since = (DAY - timedelta(days=89)).isoformat()
    page = client.get(f"/dashboard?from={since}&to={DAY.isoformat()}", headers=ENGLISH)
    assert page.status_code == 200
    with app.app_context():
        ids = _team_ids()
    glance = page.text.split('id="glance-title"', 1)[1].split("</section>", 1)[0]
    by_id = {
        int(card.split('"', 1)[0]): card for card in glance.split('class="glance" data-team="')[1:]
    }
    cards = {slug: by_id[team_id] for slug, team_id in ids.items()}
    assert "Its score cannot be trusted" in cards["atencion-premium"]
    assert "Its words are worse than its score" not in cards["atencion-premium"]
    assert "Its words are worse than its score" in cards["facturacion"]
    assert "<blockquote" in cards["facturacion"]
    assert "Its score cannot be trusted" not in cards["facturacion"]
    assert "Not enough answers" in cards["onboarding"]
    for slug in ("soporte-general", "logistica", "onboarding"):
        assert "cannot be trusted" not in cards[slug]
        assert "worse than its score" not in cards[slug]


def test_bank_has_enough_sentences_for_every_theme() -> None:
    for locale in ("es", "en"):
        sentences = bank(locale)
        assert len({s.text for s in sentences}) >= 150
        for theme in THEMES:
            assert {s.polarity for s in sentences if s.theme == theme} == {1, -1}
    regions = Counter(s.region for s in bank("es"))
    assert regions["ES"] >= 10
    assert regions["LA"] >= 10


def test_composed_comments_are_varied_and_agree_with_the_mood() -> None:
    rng = random.Random(1)
    made = {
        mood: [
            (loc, compose_comment(rng, locale=loc, region=reg, mood=mood, touchpoint_type=kind))
            for loc, reg in (("es", "ES"), ("es", "LA"), ("en", "EN"))
            for kind in ("ticket_closed", "order_delivered", "onboarding_call")
            for _ in range(400)
        ]
        for mood in ("good", "mixed", "bad")
    }
    every = [text for texts in made.values() for _, text in texts]
    assert len(set(every)) >= 3000
    for mood, sign in (("good", 1), ("bad", -1)):
        agreeing = sum(sign * bank_polarity(text, loc) > 0 for loc, text in made[mood])
        assert agreeing / len(made[mood]) > 0.85
    mixed = [bank_polarity(text, loc) for loc, text in made["mixed"]]
    assert sum(p == 0 for p in mixed) / len(mixed) > 0.6  # one good and one bad sentence
    lower = sum(t == t.lower() for t in every) / len(every)
    assert 0.05 <= lower <= 0.25
