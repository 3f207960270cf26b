"""Drawing the demo's customers: names, languages, time zones, segments, lifecycle stages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from survey.demo.comments import strip_accents
from survey.demo.plan import DemoPlan, Person
from survey.demo.profiles import (
    DEMO_EXTERNAL_PREFIX,
    ENGLISH_FIRST,
    ENGLISH_LAST,
    HISTORY_DAYS,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    SMALL_TEAM,
    SPANISH_FIRST,
    SPANISH_LAST,
    STAGE_WEIGHTS,
    STAGES,
    SUPPORT_TEAMS,
    TEAMS,
    TIMEZONES,
)


def draw_people(plan: DemoPlan) -> None:
    """Draw ``plan.contact_count`` customers, each with a home team of the right size."""
    count = plan.contact_count
    # Exact team sizes, shuffled: the small team must stay small whatever the seed.
    teams = [t for t, p in enumerate(TEAMS) for _ in range(round(p.share * count))]
    teams = (teams + [0] * count)[:count]
    plan.rng.shuffle(teams)
    for index, team in enumerate(teams):
        plan.people.append(_person(plan, index, team))


def _person(plan: DemoPlan, index: int, team: int) -> Person:
    rng = plan.rng
    locale = "en" if rng.random() < 0.35 else "es"
    region = "EN" if locale == "en" else ("ES" if rng.random() < 0.6 else "LA")
    zones = TIMEZONES[region]
    zone_name = rng.choices([z for z, _ in zones], weights=[w for _, w in zones])[0]
    name = _name(plan, locale)
    stage = _stage(plan, team)
    created = _created_at(plan, stage)
    unsubscribed = None
    if rng.random() < (0.08 if stage == "at_risk" else 0.025):
        unsubscribed = created + (plan.end - created) * rng.uniform(0.2, 0.95)
    row = {
        "email": _email(plan, name, index),
        "name": name,
        "locale": locale,
        "timezone": zone_name,
        "segment": rng.choices(SEGMENTS, weights=SEGMENT_WEIGHTS[team])[0],
        "lifecycle_stage": stage,
        "external_id": f"{DEMO_EXTERNAL_PREFIX}{index + 1:05d}",
        "unsubscribed_at": unsubscribed,
        "created_at": created,
    }
    # The churn "danger zone": support customers whose scores drop answer after answer.
    declining = team in SUPPORT_TEAMS and stage == "at_risk" and rng.random() < 0.25
    return Person(row, team, locale, region, ZoneInfo(zone_name), declining, unsubscribed)


def _name(plan: DemoPlan, locale: str) -> str:
    rng = plan.rng
    if locale == "en":
        return f"{rng.choice(ENGLISH_FIRST)} {rng.choice(ENGLISH_LAST)}"
    surnames = rng.sample(SPANISH_LAST, 2 if rng.random() < 0.6 else 1)
    return " ".join([rng.choice(SPANISH_FIRST), *surnames])


def _stage(plan: DemoPlan, team: int) -> str:
    if team == SMALL_TEAM:
        return "trial" if plan.rng.random() < 0.45 else "new"
    return plan.rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]


def _created_at(plan: DemoPlan, stage: str) -> datetime:
    days_ago = {
        "trial": (20, 60),
        "new": (60, HISTORY_DAYS),
        "established": (HISTORY_DAYS + 30, 1500),
        "at_risk": (HISTORY_DAYS + 30, 1200),
    }[stage]
    return plan.end - timedelta(days=plan.rng.uniform(*days_ago))


def _email(plan: DemoPlan, name: str, index: int) -> str:
    rng = plan.rng
    parts = strip_accents(name.lower()).split()
    local = f"{parts[0]}.{parts[1]}" if rng.random() < 0.7 else f"{parts[0][0]}{parts[1]}"
    domain = rng.choice(("example.com", "example.net", "example.org"))
    return f"{local}{index + 1}@{domain}"
