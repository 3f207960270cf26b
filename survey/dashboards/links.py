"""Drill-down links: from any number on a dashboard to the comments behind it.

Every page calls :func:`comments_url` with its one filter and the drill-down of the number
(a team, a theme, a sentiment, ...), so the comments page answers to the same filter plus
that drill-down. The comments page reads these parameters back (``CommentQuery.from_args``
and ``DashboardFilter.from_args``), so a link and the page never disagree on a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Final

from survey.dashboards.common import page_url
from survey.insights.filters import DashboardFilter

COMMENTS_ENDPOINT: Final = "dashboards.comments"
#: The comment filters the comments page honours (CommentQuery's URL names).
COMMENT_PARAMS: Final = ("theme", "sentiment", "intent", "score", "mismatch", "q")
#: Dashboard filter fields a number may narrow to (URL name: DashboardFilter field).
FILTER_PARAMS: Final = {
    "touchpoint": "touchpoint_type",
    "segment": "segment",
    "stage": "lifecycle_stage",
    "lang": "language",
    "survey": "survey_id",
}
DRILL_PARAMS: Final = ("team", *FILTER_PARAMS, *COMMENT_PARAMS)


def _team_value(team: Any) -> list[str]:
    if isinstance(team, int | str):
        return [str(team)]
    if isinstance(team, Iterable):
        return [str(one) for one in team]
    raise TypeError(f"team drill-down takes an id or ids, not {team!r}")


def comments_url(f: DashboardFilter, **drill: Any) -> str:
    """Return the link to the comments behind a number: the page's filter plus drill-down.

    ``team`` narrows to one team (or several) instead of the filter's teams; ``touchpoint``,
    ``segment``, ``stage``, ``lang`` and ``survey`` replace that field of the filter; ``mismatch``
    takes a bool or 1/0; ``score`` a band (detractor, passive, promoter, none). A None value
    leaves its parameter out.
    """
    unknown = sorted(set(drill) - set(DRILL_PARAMS))
    if unknown:
        raise TypeError(f"unknown drill-down parameter(s): {', '.join(unknown)}")
    extra: dict[str, Any] = {name: value for name, value in drill.items() if value is not None}
    if "mismatch" in extra:
        extra["mismatch"] = "1" if extra["mismatch"] in (True, 1, "1") else "0"
    target = f
    if "team" in extra:
        # The drilled team replaces the filter's teams (the comments page still intersects
        # them with the teams the user may see).
        teams = frozenset(int(one) for one in _team_value(extra.pop("team")))
        target = replace(target, team_ids=teams)
    narrowed = {
        FILTER_PARAMS[name]: extra.pop(name) for name in list(extra) if name in FILTER_PARAMS
    }
    if "survey_id" in narrowed:
        narrowed["survey_id"] = int(narrowed["survey_id"])
    target = replace(target, **narrowed)
    return page_url(COMMENTS_ENDPOINT, target, **extra)
