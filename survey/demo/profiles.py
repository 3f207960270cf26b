"""Who the demo's customers and teams are: the profiles that hide the stories to find.

Plain data and one drawing method: no queries, no Flask. The team list is where the stories
live: a team whose high scores come with angry comments, a team whose agents coerce silent
10s at their desks, a team getting better month after month, a small team with too few
answers to judge.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from survey.distribution.models import TouchpointSource

#: Six months of history, ending the day the demo is loaded.
HISTORY_DAYS = 182
#: Demo touchpoints carry this external-id prefix, which is how a second load is recognised.
DEMO_EXTERNAL_PREFIX = "demo-"


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
    #: Chance that a customer after a bad or mixed experience still gives a 9 or 10 out of
    #: politeness, and then writes what went wrong (the score and the words disagree).
    lenient_share: float = 0.0

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
        share=0.32,
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
    # The coerced team: agents hand out links and have the customer tap a 10 at their desk,
    # seconds after the link is made, on the desk's computer, without a word.
    TeamProfile(
        slug="atencion-premium",
        name="Atención Premium",
        share=0.20,
        touchpoint_type="ticket_closed",
        agents=("raul.t", "sonia.b", "marcos.f", "elena.c", "ivan.d"),
        response_rate=0.26,
        manual_share=0.30,
        manual_quick_share=0.8,
        gamed_share=0.15,
        manual_gamed_share=0.95,
        # What the customers went through is ordinary: only the scores are not.
        good=(0.56, 0.56),
        bad=(0.16, 0.16),
    ),
    # The improving team: deliveries went badly six months ago and have been fixed since.
    TeamProfile(
        slug="logistica",
        name="Logística",
        share=0.24,
        touchpoint_type="order_delivered",
        agents=("pedro.a", "rocio.n", "hector.m", "laura.q", "oscar.e"),
        response_rate=0.28,
        manual_share=0.02,
        manual_quick_share=0.05,
        gamed_share=0.0,
        manual_gamed_share=0.0,
        good=(0.10, 0.80),
        bad=(0.60, 0.05),
    ),
    # The small team: too few answers for any firm conclusion.
    TeamProfile(
        slug="onboarding",
        name="Onboarding",
        share=0.04,
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
    # The mismatch team: polite customers give 9s and 10s, then write how the bill went wrong.
    TeamProfile(
        slug="facturacion",
        name="Facturación",
        share=0.20,
        touchpoint_type="ticket_closed",
        agents=("alba.r", "mario.g", "silvia.o"),
        response_rate=0.28,
        manual_share=0.02,
        manual_quick_share=0.05,
        gamed_share=0.0,
        manual_gamed_share=0.0,
        good=(0.25, 0.25),
        bad=(0.50, 0.50),
        lenient_share=0.9,
    ),
)
SUPPORT_TEAMS = (0, 1)
SMALL_TEAM = 3

SPANISH_FIRST = (
    "Lucía", "Sofía", "Martina", "María", "Paula", "Valentina", "Camila", "Daniela", "Carmen",
    "Laura", "Ana", "Elena", "Isabel", "Julia", "Alba", "Sara", "Rosa", "Pilar", "Gabriela",
    "Fernanda", "Ximena", "Renata", "Mariana", "Mateo", "Hugo", "Martín", "Lucas", "Leo",
    "Daniel", "Alejandro", "Pablo", "Manuel", "Javier", "Diego", "Santiago", "Sebastián",
    "Andrés", "Carlos", "José", "Juan", "Luis", "Miguel", "Jorge", "Emilio", "Joaquín", "Tomás",
    "Nicolás", "Rodrigo",
)  # fmt: skip
SPANISH_LAST = (
    "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
    "Castro", "Ortiz", "Rubio", "Morales", "Suárez", "Flores", "Rojas", "Vargas", "Mendoza",
    "Herrera", "Silva", "Castillo", "Aguilar", "Reyes", "Cruz",
)  # fmt: skip
ENGLISH_FIRST = (
    "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper",
    "Grace", "Chloe", "Lily", "Ella", "Hannah", "Zoe", "Sarah", "Emily", "Jessica", "Liam",
    "Noah", "Oliver", "James", "William", "Benjamin", "Lucas", "Henry", "Jack", "Samuel",
    "David", "Daniel", "Thomas", "George", "Ethan", "Ryan", "Nathan", "Michael",
)  # fmt: skip
ENGLISH_LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Anderson", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis",
    "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams",
    "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
    "Turner", "Collins", "Murphy", "Cooper",
)  # fmt: skip
#: The one browser on the coerced team's desks: every answer given there shares it.
DESK_BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/118.0.0.0 Safari/537.36"
)
TIMEZONES = {
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
SEGMENTS = ("smb", "mid_market", "enterprise")
SEGMENT_WEIGHTS = ((55, 30, 15), (15, 45, 40), (65, 25, 10), (50, 35, 15), (40, 40, 20))
STAGES = ("trial", "new", "established", "at_risk")
STAGE_WEIGHTS = (6, 20, 60, 14)
BROWSERS = (
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
SCANNERS = (
    "Mozilla/5.0 (compatible; Barracuda Sentinel URL scanner)",
    "Proofpoint URL Defense/1.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "BingPreview/1.0b",
)
BOUNCE_ERROR = "550 5.1.1 Recipient address rejected: user unknown"

SOURCES = {
    "ticket_closed": TouchpointSource.API,
    "order_delivered": TouchpointSource.IMPORT,
    "onboarding_call": TouchpointSource.MANUAL,
}
COMMENT_RATE = {"good": 0.55, "mixed": 0.72, "bad": 0.84}
#: NPS given after each kind of experience: (scores, weights).
NPS_BY_MOOD: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "good": ((8, 9, 10), (15, 40, 45)),
    "mixed": ((5, 6, 7, 8), (15, 20, 35, 30)),
    "bad": ((0, 1, 2, 3, 4, 5, 6), (10, 6, 8, 12, 14, 26, 24)),
}
