"""What the browser tests read back from the database: responses and their answers by key."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey.extensions import db
from survey.models import Answer, Response


@dataclass(frozen=True)
class StoredResponse:
    """A response as the database holds it."""

    completed: bool
    suspected_scanner: bool
    answers: dict[str, Decimal | str | None]
    answer_rows: int


def stored_responses(app: Flask) -> list[StoredResponse]:
    """Return every stored response with its answers keyed by question key."""
    with app.app_context():
        responses = db.session.scalars(
            select(Response)
            .options(selectinload(Response.answers).selectinload(Answer.question))
            .order_by(Response.id)
        ).all()
        stored = [
            StoredResponse(
                completed=response.completed_at is not None,
                suspected_scanner=response.suspected_scanner,
                answers={
                    answer.question.key: (
                        answer.number_value
                        if answer.number_value is not None
                        else answer.text_value
                    )
                    for answer in response.answers
                },
                answer_rows=len(response.answers),
            )
            for response in responses
        ]
        db.session.remove()
    return stored
