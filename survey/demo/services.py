"""Loading deterministic demo data: teams, contacts, six months of touchpoints and answers.

The same seed and day give the same rows (see :mod:`survey.demo.plan`). The data hides stories
the dashboards must find (see :mod:`survey.demo.profiles`). Invitations are decided by the
default survey's real sending rules, and every row takes a state the app itself writes; the
admin account is made by :func:`survey.auth.services.create_user`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from survey.auth.models import Role, User
from survey.auth.services import create_user
from survey.contacts.models import Contact, Team
from survey.demo.answers import draw_answers
from survey.demo.history import apply_rules, draw_manual_invitations, draw_touchpoints
from survey.demo.people import draw_people
from survey.demo.plan import DemoPlan
from survey.demo.profiles import DEMO_EXTERNAL_PREFIX, HISTORY_DAYS, TEAMS
from survey.distribution.models import (
    Invitation,
    InvitationOrigin,
    InvitationStatus,
    Touchpoint,
)
from survey.distribution.rules import RuleChanges, update_survey_rules
from survey.distribution.services import issue_invitation, survey_link
from survey.extensions import db
from survey.insights.rebuild import rebuild
from survey.insights.rollups import InsightSettings
from survey.mail.rendering import invitation_message_id
from survey.responding.models import Answer, Response
from survey.surveys.models import Survey
from survey.surveys.services import DEFAULT_SURVEY_SLUG, ensure_default_survey

__all__ = [
    "DEFAULT_CONTACTS",
    "DEFAULT_SEED",
    "DEMO_ADMIN_EMAIL",
    "DEMO_ADMIN_PASSWORD",
    "DEMO_EXTERNAL_PREFIX",
    "HISTORY_DAYS",
    "DemoError",
    "DemoState",
    "DemoSummary",
    "OpenLink",
    "TeamSummary",
    "demo_state",
    "load_demo",
]

log = logging.getLogger(__name__)

DEFAULT_SEED = 7
DEFAULT_CONTACTS = 2000
DEMO_ADMIN_EMAIL = "admin@heard.example"
DEMO_ADMIN_PASSWORD = "heard-demo-2026"  # noqa: S105  (printed on purpose: demo only)


class DemoError(Exception):
    """Demo data cannot be loaded into this database; the message says why."""


@dataclass(frozen=True)
class TeamSummary:
    """What was loaded for one team."""

    slug: str
    name: str
    contacts: int
    touchpoints: int
    invitations: int
    responses: int
    completed: int


@dataclass(frozen=True)
class OpenLink:
    """A real, unanswered survey link for trying the survey as a customer."""

    locale: str
    link: str


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo`` wrote."""

    seed: int
    today: date
    teams: tuple[TeamSummary, ...]
    contacts: int
    touchpoints: int
    invitations: int
    skipped: int
    completed: int
    partial: int
    suspected_scanner: int
    comments: int
    open_links: tuple[OpenLink, ...]
    admin_created: bool

    @property
    def responses(self) -> int:
        return self.completed + self.partial


@dataclass(frozen=True)
class DemoState:
    """Whether demo data is already there, and how many responses the database holds."""

    demo_loaded: bool
    responses: int


def demo_state() -> DemoState:
    """Return whether demo data is loaded and how many responses the database has."""
    demo = db.session.scalar(
        select(Touchpoint.id)
        .where(Touchpoint.external_id.like(f"{DEMO_EXTERNAL_PREFIX}%"))
        .limit(1)
    )
    responses = db.session.scalar(select(func.count()).select_from(Response)) or 0
    return DemoState(demo_loaded=demo is not None, responses=int(responses))


def load_demo(seed: int, contacts: int, today: date, *, force: bool = False) -> DemoSummary:
    """Load the demo data set in one transaction and return what was written."""
    _check_can_load(contacts, force)
    survey = _demo_survey()
    question_ids = {question.key: question.id for question in survey.questions}
    plan = DemoPlan(seed, today, contacts)
    draw_people(plan)
    draw_touchpoints(plan)
    apply_rules(plan, survey, str(current_app.config["SECRET_KEY"]))
    draw_manual_invitations(plan, int(current_app.config["SURVEY_LINK_EXPIRY_DAYS"]))
    draw_answers(plan)
    try:
        links = _write(plan, survey, question_ids)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DemoError(f"demo data clashes with existing rows: {error.orig}") from None
    except Exception:
        db.session.rollback()
        raise
    # Sentiment, themes and rollups come from the real pipeline, as `survey insights rebuild`
    # computes them: the demo never writes an enrichment or a rollup itself.
    report = rebuild(InsightSettings.from_config(current_app.config))
    admin_created = _ensure_admin()
    log.info(
        "loaded demo data: seed %s, %s contacts, day %s; %s answers enriched, %s days rolled up",
        seed,
        contacts,
        today,
        report.enriched,
        report.days,
    )
    return _summarise(plan, links, admin_created)


def _check_can_load(contacts: int, force: bool) -> None:
    """Refuse a second demo, existing answers without force, and clashing team slugs."""
    if contacts < 1:
        raise DemoError("the number of contacts must be at least 1")
    state = demo_state()
    if state.demo_loaded:
        raise DemoError("demo data is already loaded; start from an empty database to reload it")
    if state.responses and not force:
        raise DemoError(
            f"the database already has {state.responses} responses; "
            "use --force to add demo data beside them"
        )
    taken = db.session.scalars(select(Team.slug).where(Team.slug.in_([t.slug for t in TEAMS])))
    clashes = ", ".join(sorted(taken))
    if clashes:
        raise DemoError(f"the demo's teams must be new, but these already exist: {clashes}")


def _demo_survey() -> Survey:
    """Return the default survey, triggered by every kind of touchpoint the demo records."""
    survey = ensure_default_survey()
    wanted = sorted({team.touchpoint_type for team in TEAMS})
    missing = [kind for kind in wanted if kind not in survey.triggers]
    if missing:
        # Added, never removed: the demo's history asks after every kind of touchpoint.
        survey = update_survey_rules(
            DEFAULT_SURVEY_SLUG, RuleChanges(triggers=[*survey.triggers, *missing])
        )
    return survey


def _insert(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in bulk and return their new ids, in the rows' order."""
    if not rows:
        return []
    # The same keys in every row, NULLs rendered: the ORM then sends one multi-row INSERT
    # instead of splitting the batch wherever a row lacks a key (quadratic on RETURNING).
    keys = sorted({key for row in rows for key in row})
    rows = [{key: row.get(key) for key in keys} for row in rows]
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    result = db.session.execute(statement, rows, execution_options={"render_nulls": True})
    return list(result.scalars())


def _write(plan: DemoPlan, survey: Survey, question_ids: dict[str, int]) -> tuple[OpenLink, ...]:
    created = plan.start - timedelta(days=365)
    team_ids = _insert(
        Team, [{"slug": t.slug, "name": t.name, "created_at": created} for t in TEAMS]
    )
    contact_ids = _insert(Contact, [{**p.row, "team_id": team_ids[p.team]} for p in plan.people])
    event_ids = _insert(
        Touchpoint,
        [
            {**e.row, "team_id": team_ids[e.team], "contact_id": contact_ids[e.person]}
            for e in plan.events
        ],
    )
    invite_ids = _insert(
        Invitation,
        [
            {
                **i.row,
                "survey_id": survey.id,
                "contact_id": contact_ids[i.person],
                "team_id": team_ids[i.team],
                "touchpoint_id": event_ids[i.event] if i.event is not None else None,
            }
            for i in plan.invites
        ],
    )
    _stamp_message_ids(plan, invite_ids)
    reply_ids = _insert(
        Response,
        [
            {
                **r.row,
                "invitation_id": invite_ids[r.invite],
                "survey_id": survey.id,
                "team_id": team_ids[plan.invites[r.invite].team],
            }
            for r in plan.replies
        ],
    )
    _insert(
        Answer,
        [
            {
                "response_id": reply_id,
                "question_id": question_ids[key],
                "number_value": number,
                "text_value": text,
                "created_at": reply.row["updated_at"],
            }
            for reply, reply_id in zip(plan.replies, reply_ids, strict=True)
            for key, number, text in reply.answers
            if key in question_ids
        ],
    )
    return _open_links(plan, survey, team_ids[0], contact_ids)


def _stamp_message_ids(plan: DemoPlan, invite_ids: list[int]) -> None:
    """Give each emailed invitation the Message-ID the worker gives it (it needs the row id)."""
    rows = [
        {"id": invitation_id, "message_id": invitation_message_id(invitation_id)}
        for invite, invitation_id in zip(plan.invites, invite_ids, strict=True)
        if invite.row["sent_at"] is not None
    ]
    if rows:
        db.session.execute(update(Invitation), rows)


def _open_links(
    plan: DemoPlan, survey: Survey, team_id: int, contact_ids: list[int]
) -> tuple[OpenLink, ...]:
    """Issue one real, open link per language, as ``survey invite`` does."""
    team = db.session.get(Team, team_id)
    links = []
    for locale in ("es", "en"):
        chosen = next(
            (
                contact_ids[index]
                for index, person in enumerate(plan.people)
                if person.locale == locale and person.unsubscribed_at is None
            ),
            None,
        )
        contact = db.session.get(Contact, chosen) if chosen is not None else None
        if contact is None:
            continue
        issued = issue_invitation(
            survey,
            contact,
            team=team,
            origin=InvitationOrigin.MANUAL,
            status=InvitationStatus.SENT,
            send_after=plan.end,
            now=plan.end,
        )
        if issued.token is not None:
            links.append(OpenLink(locale, survey_link(issued.token)))
    return tuple(links)


def _ensure_admin() -> bool:
    """Create the demo admin account unless it exists; return whether it was created."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_ADMIN_EMAIL)) is not None:
        return False
    create_user(DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, Role.ADMIN)
    return True


def _summarise(plan: DemoPlan, links: tuple[OpenLink, ...], admin_created: bool) -> DemoSummary:
    teams = []
    for team, profile in enumerate(TEAMS):
        replies = [r for r in plan.replies if plan.invites[r.invite].team == team]
        teams.append(
            TeamSummary(
                slug=profile.slug,
                name=profile.name,
                contacts=sum(1 for p in plan.people if p.team == team),
                touchpoints=sum(1 for e in plan.events if e.team == team),
                invitations=sum(1 for i in plan.invites if i.team == team),
                responses=len(replies),
                completed=sum(1 for r in replies if r.row["completed_at"] is not None),
            )
        )
    completed = sum(t.completed for t in teams)
    return DemoSummary(
        seed=plan.seed,
        today=plan.today,
        teams=tuple(teams),
        contacts=len(plan.people),
        touchpoints=len(plan.events),
        invitations=len(plan.invites) + len(links),
        skipped=sum(1 for i in plan.invites if i.row["status"] is InvitationStatus.SKIPPED),
        completed=completed,
        partial=len(plan.replies) - completed,
        suspected_scanner=sum(1 for r in plan.replies if r.row["suspected_scanner"]),
        comments=sum(1 for r in plan.replies for key, _, _ in r.answers if key == "comment"),
        open_links=links,
        admin_created=admin_created,
    )
