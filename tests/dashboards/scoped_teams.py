"""Two teams with words of their own, answered through the real services, for scoping tests.

A user limited to Marmota must never read Quokka's name, words or figures anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from survey.contacts.models import Team
from survey.extensions import db
from tests.insights.factories import answer, invite, run_worker

#: What only the other team (and answers without a team) wrote or is called.
FOREIGN_MARKERS = ("quokka", "sinequipo", "quokka@example", "nadie@example")
#: Words of the user's own team, that must show up where comments do.
OWN_MARKER = "Marmota"

_ANSWERS = {
    "Equipo Marmota": [
        ("marmota1@example.com", "3", "Marmota: el paquete llegó roto y nadie me escuchó, fatal"),
        ("marmota2@example.com", "9", "Marmota: el paquete llegó pronto, gracias a Lucía"),
    ],
    "Equipo Quokka": [
        ("quokka1@example.com", "1", "Quokka: el paquete sigue sin llegar, horrible servicio"),
        ("quokka2@example.com", "2", "Quokka: el paquete perdido otra vez, fatal"),
        ("quokka3@example.com", "10", "Quokka: el paquete llegó perfecto, excelente"),
    ],
    None: [("nadie@example.com", "0", "Sinequipo: el paquete nunca llegó, horrible")],
}


@dataclass(frozen=True)
class TwoTeams:
    """The ids of the two teams and how many answers each got."""

    own: int
    foreign: int
    own_answers: int
    foreign_answers: int


def seed_two_teams(app: Flask) -> TwoTeams:
    """Answer as customers of both teams (and of none), then run one worker pass."""
    with app.app_context():
        for team, rows in _ANSWERS.items():
            for email, score, comment in rows:
                token = invite(email, team=team, locale="es")
                answer(token, {"nps": score, "ces": "3", "heard": "partly", "comment": comment})
    run_worker(app)
    with app.app_context():
        ids = dict(db.session.execute(select(Team.name, Team.id)).all())
    return TwoTeams(
        own=ids["Equipo Marmota"],
        foreign=ids["Equipo Quokka"],
        own_answers=len(_ANSWERS["Equipo Marmota"]),
        foreign_answers=len(_ANSWERS["Equipo Quokka"]),
    )


def foreign_markers_in(text: str) -> list[str]:
    """Return the other team's markers found in a page or JSON body (any case)."""
    lowered = text.lower()
    return [marker for marker in FOREIGN_MARKERS if marker in lowered]
