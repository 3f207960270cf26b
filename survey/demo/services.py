"""Loading deterministic demo data: teams, contacts, six months of touchpoints and answers.

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``: the same
seed and day give the same rows. The data hides stories the dashboards must find: a team whose
high scores come with angry comments, a team getting better month after month, a small team with
too few answers to judge, and customers whose scores keep dropping.
"""

from __future__ import annotations

import base64
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from survey.auth.models import Role, User
from survey.contacts.models import Contact, Team
from survey.demo.comments import compose_comment, strip_accents
from survey.distribution.models import (
    Invitation,
    InvitationOrigin,
    InvitationStatus,
    Touchpoint,
    TouchpointSource,
)
from survey.distribution.services import issue_invitation, survey_link
from survey.distribution.tokens import hash_token
from survey.extensions import db
from survey.responding.models import Answer, Response
from survey.surveys.models import Survey
from survey.surveys.services import DEFAULT_SURVEY_SLUG, ensure_default_survey

DEFAULT_SEED = 7
DEFAULT_CONTACTS = 2000
HISTORY_DAYS = 182
DEMO_ADMIN_EMAIL = "admin@heard.example"
DEMO_ADMIN_PASSWORD = "heard-demo-2026"  # noqa: S105  (printed on purpose: demo only)
#: Demo touchpoints carry this external-id prefix, which is how a second load is recognised.
DEMO_EXTERNAL_PREFIX = "demo-"

_FATIGUE = timedelta(days=30)
_SEND_DELAY = timedelta(minutes=120)
_EXPIRY = timedelta(days=14)
_QUIET_START, _QUIET_END = 21, 9


class DemoError(Exception):
    """Demo data cannot be loaded into this database; the message says why."""


@dataclass(frozen=True)
class TeamProfile:
    """How one demo team behaves."""

    slug: str
    name: str
    #: Share of contacts whose home team this is.
    share: float
    touchpoint_type: str
    agents: tuple[str, ...]
    response_rate: float
    #: Share of the team's invitations made by hand rather than by the sending rules.
    manual_share: float
    #: Chance that a hand-made invitation is answered within a minute of delivery.
    manual_quick_share: float
    #: Chance that the score is a 9 or 10 whatever the customer went through.
    gamed_share: float
    manual_gamed_share: float
    #: Share of good and bad experiences at the start and at the end of the six months.
    good: tuple[float, float]
    bad: tuple[float, float]

    def mood(self, rng: random.Random, progress: float) -> str:
        """Draw good, mixed or bad for a moment of the history (0 = start, 1 = today)."""
        good = self.good[0] + (self.good[1] - self.good[0]) * progress
        bad = self.bad[0] + (self.bad[1] - self.bad[0]) * progress
        draw = rng.random()
        if draw < good:
            return "good"
        return "bad" if draw < good + bad else "mixed"


TEAMS: tuple[TeamProfile, ...] = (
    TeamProfile(
        slug="soporte-general",
        name="Soporte general",
        share=0.45,
        touchpoint_type="ticket_closed",
        agents=("lucia.m", "jorge.p", "ana.r", "david.s", "irene.g", "carlos.v", "nerea.l"),
        response_rate=0.28,
        manual_share=0.03,
        manual_quick_share=0.05,
        gamed_share=0.0,
        manual_gamed_share=0.0,
        good=(0.56, 0.64),
        bad=(0.16, 0.12),
    ),
    # The "gaming" team: agents hand out links and ask for a 10 while still on the phone.
    TeamProfile(
        slug="atencion-premium",
        name="Atención Premium",
        share=0.22,
        touchpoint_type="ticket_closed",
        agents=("raul.t", "sonia.b", "marcos.f", "elena.c", "ivan.d"),
        response_rate=0.26,
        manual_share=0.30,
        manual_quick_share=0.7,
        gamed_share=0.6,
        manual_gamed_share=0.9,
        good=(0.28, 0.28),
        bad=(0.44, 0.44),
    ),
    # The improving team: deliveries went badly six months ago and have been fixed since.
    TeamProfile(
        slug="logistica",
        name="Logística",
        share=0.26,
        touchpoint_type="order_delivered",
        agents=("pedro.a", "rocio.n", "hector.m", "laura.q", "oscar.e"),
        response_rate=0.28,
        manual_share=0.02,
        manual_quick_share=0.05,
        gamed_share=0.0,
        manual_gamed_share=0.0,
        good=(0.15, 0.72),
        bad=(0.55, 0.06),
    ),
    # The small team: too few answers for any firm conclusion.
    TeamProfile(
        slug="onboarding",
        name="Onboarding",
        share=0.07,
        touchpoint_type="onboarding_call",
        agents=("beatriz.k", "tomas.h"),
        response_rate=0.35,
        manual_share=0.0,
        manual_quick_share=0.0,
        gamed_share=0.0,
        manual_gamed_share=0.0,
        good=(0.62, 0.62),
        bad=(0.1, 0.1),
    ),
)
_SUPPORT_TEAMS = (0, 1)
_SMALL_TEAM = 3

_SPANISH_FIRST = (
    "Lucía", "Sofía", "Martina", "María", "Paula", "Valentina", "Camila", "Daniela", "Carmen",
    "Laura", "Ana", "Elena", "Isabel", "Julia", "Alba", "Sara", "Rosa", "Pilar", "Gabriela",
    "Fernanda", "Ximena", "Renata", "Mariana", "Mateo", "Hugo", "Martín", "Lucas", "Leo",
    "Daniel", "Alejandro", "Pablo", "Manuel", "Javier", "Diego", "Santiago", "Sebastián",
    "Andrés", "Carlos", "José", "Juan", "Luis", "Miguel", "Jorge", "Emilio", "Joaquín", "Tomás",
    "Nicolás", "Rodrigo",
)  # fmt: skip
_SPANISH_LAST = (
    "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
    "Castro", "Ortiz", "Rubio", "Morales", "Suárez", "Flores", "Rojas", "Vargas", "Mendoza",
    "Herrera", "Silva", "Castillo", "Aguilar", "Reyes", "Cruz",
)  # fmt: skip
_ENGLISH_FIRST = (
    "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper",
    "Grace", "Chloe", "Lily", "Ella", "Hannah", "Zoe", "Sarah", "Emily", "Jessica", "Liam",
    "Noah", "Oliver", "James", "William", "Benjamin", "Lucas", "Henry", "Jack", "Samuel",
    "David", "Daniel", "Thomas", "George", "Ethan", "Ryan", "Nathan", "Michael",
)  # fmt: skip
_ENGLISH_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Anderson", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis",
    "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams",
    "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
    "Turner", "Collins", "Murphy", "Cooper",
)  # fmt: skip
_TIMEZONES = {
    "ES": (("Europe/Madrid", 85), ("Atlantic/Canary", 15)),
    "LA": (
        ("America/Mexico_City", 35),
        ("America/Bogota", 20),
        ("America/Argentina/Buenos_Aires", 15),
        ("America/Santiago", 12),
        ("America/Lima", 10),
        ("America/Montevideo", 8),
    ),
    "EN": (
        ("Europe/London", 35),
        ("America/New_York", 25),
        ("America/Chicago", 12),
        ("America/Los_Angeles", 13),
        ("Europe/Dublin", 8),
        ("Australia/Sydney", 7),
    ),
}
_SEGMENTS = ("smb", "mid_market", "enterprise")
_SEGMENT_WEIGHTS = ((55, 30, 15), (15, 45, 40), (65, 25, 10), (50, 35, 15))
_STAGES = ("trial", "new", "established", "at_risk")
_STAGE_WEIGHTS = (6, 20, 60, 14)
_BROWSERS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
)
_SCANNERS = (
    "Mozilla/5.0 (compatible; Barracuda Sentinel URL scanner)",
    "Proofpoint URL Defense/1.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "BingPreview/1.0b",
)
_BOUNCE_ERROR = "550 5.1.1 Recipient address rejected: user unknown"


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


@dataclass
class _Person:
    row: dict[str, Any]
    team: int
    locale: str
    region: str
    zone: ZoneInfo
    declining: bool
    unsubscribed_at: datetime | None
    answers: int = 0


@dataclass
class _Event:
    person: int
    team: int
    type: str
    occurred_at: datetime
    row: dict[str, Any]


@dataclass
class _Invite:
    person: int
    team: int
    event: int | None
    row: dict[str, Any]


@dataclass
class _Reply:
    invite: int
    row: dict[str, Any]
    answers: list[tuple[str, Decimal | None, str | None]] = field(default_factory=list)


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
    existed = db.session.scalar(select(Survey.id).where(Survey.slug == DEFAULT_SURVEY_SLUG))
    survey = ensure_default_survey()
    if existed is None:
        # The demo's history asks after every kind of touchpoint; new ones should too.
        survey.triggers = sorted({team.touchpoint_type for team in TEAMS})
    question_ids = {question.key: question.id for question in survey.questions}
    plan = _DemoPlan(seed, contacts, today)
    plan.build()
    try:
        summary = _write(plan, survey.id, question_ids)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DemoError(f"demo data clashes with existing rows: {error.orig}") from None
    except Exception:
        db.session.rollback()
        raise
    return summary


class _DemoPlan:
    """Draws every demo row in memory, in a fixed order, from one seeded generator."""

    def __init__(self, seed: int, contacts: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.contact_count = contacts
        self.rng = random.Random(seed)  # noqa: S311  (reproducible on purpose; no secrets)
        self.end = datetime.combine(today, time(0), UTC)
        self.start = self.end - timedelta(days=HISTORY_DAYS)
        self.people: list[_Person] = []
        self.events: list[_Event] = []
        self.invites: list[_Invite] = []
        self.replies: list[_Reply] = []

    def build(self) -> None:
        """Draw contacts, touchpoints, invitations and responses, in that order."""
        # Exact team sizes, shuffled: the small team must stay small whatever the seed.
        teams = [t for t, p in enumerate(TEAMS) for _ in range(round(p.share * self.contact_count))]
        teams = (teams + [0] * self.contact_count)[: self.contact_count]
        self.rng.shuffle(teams)
        for index, team in enumerate(teams):
            self.people.append(self._person(index, team))
        for index, person in enumerate(self.people):
            self._events_of(index, person)
        self.events.sort(key=lambda event: (event.occurred_at, event.person))
        for number, event in enumerate(self.events, start=1):
            event.row["external_id"] = f"{DEMO_EXTERNAL_PREFIX}tp-{number:06d}"
        self._rule_invitations()
        self._manual_invitations()
        self.invites.sort(key=lambda invite: (invite.row["created_at"], invite.person))
        for index, invite in enumerate(self.invites):
            self._reply_to(index, invite)

    # Contacts ---------------------------------------------------------------------------------

    def _person(self, index: int, team: int) -> _Person:
        rng = self.rng
        locale = "en" if rng.random() < 0.35 else "es"
        region = "EN" if locale == "en" else ("ES" if rng.random() < 0.6 else "LA")
        zones = _TIMEZONES[region]
        zone_name = rng.choices([z for z, _ in zones], weights=[w for _, w in zones])[0]
        name = self._name(locale)
        stage = self._stage(team)
        created = self._created_at(stage)
        unsubscribed = None
        if rng.random() < (0.08 if stage == "at_risk" else 0.025):
            unsubscribed = created + (self.end - created) * rng.uniform(0.2, 0.95)
        row = {
            "email": _email(name, index, rng),
            "name": name,
            "locale": locale,
            "timezone": zone_name,
            "segment": rng.choices(_SEGMENTS, weights=_SEGMENT_WEIGHTS[team])[0],
            "lifecycle_stage": stage,
            "external_id": f"{DEMO_EXTERNAL_PREFIX}{index + 1:05d}",
            "unsubscribed_at": unsubscribed,
            "created_at": created,
        }
        # The churn "danger zone": support customers whose scores drop answer after answer.
        declining = team in _SUPPORT_TEAMS and stage == "at_risk" and rng.random() < 0.25
        return _Person(row, team, locale, region, ZoneInfo(zone_name), declining, unsubscribed)

    def _name(self, locale: str) -> str:
        rng = self.rng
        if locale == "en":
            return f"{rng.choice(_ENGLISH_FIRST)} {rng.choice(_ENGLISH_LAST)}"
        surnames = rng.sample(_SPANISH_LAST, 2 if rng.random() < 0.6 else 1)
        return " ".join([rng.choice(_SPANISH_FIRST), *surnames])

    def _stage(self, team: int) -> str:
        if team == _SMALL_TEAM:
            return "trial" if self.rng.random() < 0.45 else "new"
        return self.rng.choices(_STAGES, weights=_STAGE_WEIGHTS)[0]

    def _created_at(self, stage: str) -> datetime:
        days_ago = {
            "trial": (20, 60),
            "new": (60, HISTORY_DAYS),
            "established": (HISTORY_DAYS + 30, 1500),
            "at_risk": (HISTORY_DAYS + 30, 1200),
        }[stage]
        return self.end - timedelta(days=self.rng.uniform(*days_ago))

    # Touchpoints ------------------------------------------------------------------------------

    def _events_of(self, index: int, person: _Person) -> None:
        rng = self.rng
        first = max(self.start, person.row["created_at"])
        if person.declining:
            # Over a month apart, so the fatigue rule lets each one be invited; starting at
            # a random date, so the declines do not all line up in the same months.
            count = rng.choice((3, 4))
            gaps = [timedelta(days=rng.uniform(34, 46)) for _ in range(count - 1)]
            room = max(self.end - first - sum(gaps, timedelta()) - timedelta(days=3), timedelta())
            times = [first + room * rng.random()]
            for gap in gaps:
                times.append(times[-1] + gap)
        else:
            count = rng.choices((0, 1, 2, 3, 4, 5), weights=(10, 33, 27, 16, 8, 6))[0]
            if person.team == _SMALL_TEAM:
                count = max(count, 1)  # every new customer gets the onboarding call
            times = sorted(first + (self.end - first) * rng.random() for _ in range(count))
        for step, moment in enumerate(times):
            self._add_event(index, person, self._event_team(person, step), moment)

    def _event_team(self, person: _Person, step: int) -> int:
        if person.team == _SMALL_TEAM:
            # The onboarding call comes first; later contacts go to general support.
            return _SMALL_TEAM if step == 0 else 0
        if person.declining or self.rng.random() < 0.85:
            return person.team
        return self.rng.choice((0, 1, 2))

    def _add_event(self, index: int, person: _Person, team: int, moment: datetime) -> None:
        profile = TEAMS[team]
        occurred = self._working_hours(moment, person.zone)
        kind = profile.touchpoint_type
        row = {
            "type": kind,
            "agent": self.rng.choice(profile.agents),
            "occurred_at": occurred,
            "source": _SOURCES[kind],
            "details": self._details(kind),
            "created_at": occurred + timedelta(seconds=self.rng.randint(5, 600)),
        }
        self.events.append(_Event(index, team, kind, occurred, row))

    def _working_hours(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """Move a moment to a weekday between 9:00 and 19:00 in the contact's time zone."""
        local = moment.astimezone(zone)
        while local.weekday() >= 5:
            local -= timedelta(days=1)
        minute = self.rng.randint(9 * 60, 19 * 60 - 1)
        local = local.replace(hour=minute // 60, minute=minute % 60, second=self.rng.randint(0, 59))
        occurred = local.astimezone(UTC)
        while occurred >= self.end - timedelta(hours=1):
            occurred -= timedelta(days=1)
        return occurred

    def _details(self, kind: str) -> dict[str, Any]:
        rng = self.rng
        if kind == "order_delivered":
            carrier = rng.choice(("SEUR", "Correos Express", "DHL", "MRW"))
            return {"order": f"PED-{rng.randint(100000, 999999)}", "carrier": carrier}
        if kind == "onboarding_call":
            return {"duration_minutes": rng.choice((30, 45, 60))}
        channel = rng.choices(("email", "phone", "chat"), weights=(40, 35, 25))[0]
        return {"ticket": f"TCK-{rng.randint(10000, 99999)}", "channel": channel}

    # Invitations ------------------------------------------------------------------------------

    def _rule_invitations(self) -> None:
        """Apply the sending rules to every touchpoint, in time order, per contact."""
        last_sent: dict[int, datetime] = {}
        for index, event in enumerate(self.events):
            person = self.people[event.person]
            send_after = self._outside_quiet_hours(event.occurred_at + _SEND_DELAY, person.zone)
            reason = self._skip_reason(person, event, last_sent.get(event.person))
            row = self._invitation_row(person, send_after, InvitationOrigin.RULE, reason)
            row["created_at"] = event.row["created_at"]
            if row["status"] is InvitationStatus.SENT:
                last_sent[event.person] = send_after
            self.invites.append(_Invite(event.person, event.team, index, row))

    def _skip_reason(
        self, person: _Person, event: _Event, last_sent: datetime | None
    ) -> str | None:
        if person.unsubscribed_at is not None and event.occurred_at >= person.unsubscribed_at:
            return "unsubscribed"
        if last_sent is not None and event.occurred_at - last_sent < _FATIGUE:
            return "fatigue"
        if self.rng.random() < 0.05:
            return "sampled_out"
        return None

    def _manual_invitations(self) -> None:
        """Add the links agents handed out by hand: few, except in the gaming team."""
        for team, profile in enumerate(TEAMS):
            if not profile.manual_share:
                continue
            members = [
                index
                for index, person in enumerate(self.people)
                if person.team == team and person.unsubscribed_at is None
            ]
            rule_count = sum(1 for invite in self.invites if invite.team == team)
            count = round(rule_count * profile.manual_share / (1 - profile.manual_share))
            for _ in range(count if members else 0):
                index = self.rng.choice(members)
                person = self.people[index]
                moment = self.start + (self.end - self.start) * self.rng.random()
                created = self._working_hours(moment, person.zone)
                row = self._invitation_row(person, created, InvitationOrigin.MANUAL, None)
                row["created_at"] = created
                self.invites.append(_Invite(index, team, None, row))

    def _invitation_row(
        self, person: _Person, send_after: datetime, origin: InvitationOrigin, reason: str | None
    ) -> dict[str, Any]:
        rng = self.rng
        row: dict[str, Any] = {
            "status": InvitationStatus.SKIPPED if reason else InvitationStatus.SENT,
            "origin": origin,
            "locale": person.locale,
            "send_after": send_after,
            "expires_at": send_after + _EXPIRY,
            "skip_reason": reason,
            "token_hash": None,
            "sent_at": None,
            "attempts": 0,
        }
        if reason:
            return row
        row["token_hash"] = hash_token(base64.urlsafe_b64encode(rng.randbytes(32)).decode())
        sent_at = send_after + timedelta(seconds=rng.randint(1, 90))
        if sent_at >= self.end:
            row["status"] = InvitationStatus.PENDING  # the worker has not reached it yet
        elif rng.random() < 0.01:
            row.update(status=InvitationStatus.FAILED, attempts=3, last_error=_BOUNCE_ERROR)
        else:
            row.update(sent_at=sent_at, attempts=1)
        return row

    def _outside_quiet_hours(self, moment: datetime, zone: ZoneInfo) -> datetime:
        local = moment.astimezone(zone)
        if _QUIET_END <= local.hour < _QUIET_START:
            return moment
        if local.hour >= _QUIET_START:
            local += timedelta(days=1)
        morning = local.replace(hour=_QUIET_END, minute=self.rng.randint(0, 40), second=0)
        return morning.astimezone(UTC)

    # Responses --------------------------------------------------------------------------------

    def _reply_to(self, index: int, invite: _Invite) -> None:
        row = invite.row
        if row["status"] is not InvitationStatus.SENT:
            return
        row["message_id"] = f"<{DEMO_EXTERNAL_PREFIX}{index + 1}@heard.example>"
        manual = row["origin"] is InvitationOrigin.MANUAL
        if not manual and self.rng.random() < 0.005:
            self._scanner_click(index, invite)
            return
        started = self._answer_time(invite, manual)
        if started is None:
            opened = row["sent_at"] + timedelta(hours=self.rng.uniform(0.1, 48))
            if self.rng.random() < 0.2 and opened < self.end:
                row["opened_at"] = opened
            return
        row["opened_at"] = started
        if self.rng.random() < 0.08:
            self._partial(index, invite, started)
        else:
            self._completed(index, invite, started, manual)

    def _answer_time(self, invite: _Invite, manual: bool) -> datetime | None:
        """Return when the customer starts answering, or None when they never do."""
        rng = self.rng
        person = self.people[invite.person]
        profile = TEAMS[invite.team]
        rate = 0.7 if manual else (0.65 if person.declining else profile.response_rate)
        if rng.random() >= rate:
            return None
        sent = invite.row["sent_at"]
        quick = profile.manual_quick_share if manual else profile.gamed_share * 0.2
        if rng.random() < quick:
            # Filled in on the spot, while the agent is still there.
            return sent + timedelta(seconds=rng.uniform(3, 8))
        minutes = min(rng.lognormvariate(math.log(150), 1.4), 13 * 24 * 60)
        started = sent + timedelta(minutes=minutes)
        return started if started < min(self.end, invite.row["expires_at"]) else None

    def _scanner_click(self, index: int, invite: _Invite) -> None:
        """A mail scanner followed the score link seconds after delivery."""
        started = invite.row["sent_at"] + timedelta(seconds=self.rng.uniform(0.5, 4))
        row = self._response_row(invite, started, None)
        row.update(
            suspected_scanner=True,
            ip_address=f"192.0.2.{self.rng.randint(10, 40)}",
            user_agent=self.rng.choice(_SCANNERS),
        )
        reply = _Reply(index, row)
        reply.answers.append(("nps", Decimal(self.rng.choice((0, 10))), None))
        self.replies.append(reply)

    def _partial(self, index: int, invite: _Invite, started: datetime) -> None:
        """A score chosen in the email, then the form left unfinished."""
        mood = self._mood(invite)
        reply = _Reply(index, self._response_row(invite, started, None))
        reply.answers.append(("nps", Decimal(self._nps(invite, mood, manual=False)), None))
        self.replies.append(reply)

    def _completed(self, index: int, invite: _Invite, started: datetime, manual: bool) -> None:
        rng = self.rng
        person = self.people[invite.person]
        mood = self._mood(invite)
        person.answers += 1
        score = self._nps(invite, mood, manual=manual)
        took = rng.uniform(8, 40) if started - invite.row["sent_at"] < timedelta(minutes=1) else 0
        completed = started + timedelta(seconds=took or rng.uniform(25, 300))
        reply = _Reply(index, self._response_row(invite, started, completed))
        reply.answers.append(("nps", Decimal(score), None))
        if rng.random() < 0.9:
            reply.answers.append(("ces", Decimal(_ces(rng, mood)), None))
        if rng.random() < 0.88:
            reply.answers.append(("heard", None, _heard(rng, mood)))
        gamed = score >= 9 and mood != "good"
        if rng.random() < (0.35 if gamed else _COMMENT_RATE[mood]):
            kind = self.events[invite.event].type if invite.event is not None else "ticket_closed"
            text = compose_comment(
                rng,
                locale=person.locale,
                region=person.region,
                mood=mood,
                touchpoint_type=kind,
                pressured=gamed and rng.random() < 0.25,
            )
            reply.answers.append(("comment", None, text))
        invite.row["status"] = InvitationStatus.ANSWERED
        self.replies.append(reply)

    def _mood(self, invite: _Invite) -> str:
        person = self.people[invite.person]
        if person.declining:
            good = max(0.75 - 0.35 * person.answers, 0.03)
            bad = min(0.05 + 0.35 * person.answers, 0.9)
            draw = self.rng.random()
            return "good" if draw < good else ("bad" if draw < good + bad else "mixed")
        progress = (invite.row["sent_at"] - self.start) / (self.end - self.start)
        return TEAMS[invite.team].mood(self.rng, progress)

    def _nps(self, invite: _Invite, mood: str, *, manual: bool) -> int:
        profile = TEAMS[invite.team]
        gamed = profile.manual_gamed_share if manual else profile.gamed_share
        if not self.people[invite.person].declining and self.rng.random() < gamed:
            return 10 if self.rng.random() < 0.75 else 9
        return self.rng.choices(*_NPS_BY_MOOD[mood])[0]

    def _response_row(
        self, invite: _Invite, started: datetime, completed: datetime | None
    ) -> dict[str, Any]:
        rng = self.rng
        office = invite.row["origin"] is InvitationOrigin.MANUAL and TEAMS[invite.team].gamed_share
        if office and started - invite.row["sent_at"] < timedelta(minutes=1):
            # Answered at the agent's desk: the same few office addresses over and over.
            address = f"203.0.113.{rng.randint(20, 24)}"
        elif rng.random() < 0.3:
            groups = [f"{rng.randrange(1 << 16):x}" for _ in range(3)]
            address = f"2001:db8:{groups[0]}:{groups[1]}::{groups[2]}"
        else:
            address = f"100.{rng.randint(64, 127)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        return {
            "locale": invite.row["locale"],
            "started_at": started,
            "completed_at": completed,
            "confirmed_at": completed,
            "suspected_scanner": False,
            "ip_address": address,
            "user_agent": rng.choice(_BROWSERS),
            "updated_at": completed or started,
        }


_SOURCES = {
    "ticket_closed": TouchpointSource.API,
    "order_delivered": TouchpointSource.IMPORT,
    "onboarding_call": TouchpointSource.MANUAL,
}
_COMMENT_RATE = {"good": 0.55, "mixed": 0.72, "bad": 0.84}
#: NPS given after each kind of experience: (scores, weights).
_NPS_BY_MOOD: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "good": ((8, 9, 10), (15, 40, 45)),
    "mixed": ((5, 6, 7, 8), (15, 20, 35, 30)),
    "bad": ((0, 1, 2, 3, 4, 5, 6), (10, 6, 8, 12, 14, 26, 24)),
}


def _ces(rng: random.Random, mood: str) -> int:
    if mood == "good":
        return rng.choices((5, 6, 7), weights=(12, 38, 50))[0]
    if mood == "mixed":
        return rng.choices((3, 4, 5, 6), weights=(15, 35, 35, 15))[0]
    return rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]


def _heard(rng: random.Random, mood: str) -> str:
    weights = {"good": (88, 10, 2), "mixed": (25, 55, 20), "bad": (5, 30, 65)}[mood]
    return rng.choices(("yes", "partly", "no"), weights=weights)[0]


def _email(name: str, index: int, rng: random.Random) -> str:
    parts = strip_accents(name.lower()).split()
    local = f"{parts[0]}.{parts[1]}" if rng.random() < 0.7 else f"{parts[0][0]}{parts[1]}"
    domain = rng.choice(("example.com", "example.net", "example.org"))
    return f"{local}{index + 1}@{domain}"


# Writing ----------------------------------------------------------------------------------------


def _insert(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in bulk and return their new ids, in the rows' order."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def _write(plan: _DemoPlan, survey_id: int, question_ids: dict[str, int]) -> DemoSummary:
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
                "survey_id": survey_id,
                "contact_id": contact_ids[i.person],
                "team_id": team_ids[i.team],
                "touchpoint_id": event_ids[i.event] if i.event is not None else None,
            }
            for i in plan.invites
        ],
    )
    reply_ids = _insert(
        Response,
        [
            {
                **r.row,
                "invitation_id": invite_ids[r.invite],
                "survey_id": survey_id,
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
    links = _open_links(plan, survey_id, team_ids[0], contact_ids)
    admin_created = _ensure_admin(plan.start)
    return _summarise(plan, links, admin_created)


def _open_links(
    plan: _DemoPlan, survey_id: int, team_id: int, contact_ids: list[int]
) -> tuple[OpenLink, ...]:
    """Issue one real, open link per language so a newcomer can answer the survey."""
    survey = db.session.get(Survey, survey_id)
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
        if survey is None or contact is None:
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
        issued.invitation.sent_at = plan.end
        links.append(OpenLink(locale, survey_link(issued.token)))
    return tuple(links)


def _ensure_admin(created_at: datetime) -> bool:
    """Create the demo admin account unless it exists; return whether it was created."""
    if db.session.scalar(select(User.id).where(User.email == DEMO_ADMIN_EMAIL)) is not None:
        return False
    admin = User(email=DEMO_ADMIN_EMAIL, role=Role.ADMIN, created_at=created_at)
    admin.set_password(DEMO_ADMIN_PASSWORD)
    db.session.add(admin)
    return True


def _summarise(plan: _DemoPlan, links: tuple[OpenLink, ...], admin_created: bool) -> DemoSummary:
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
