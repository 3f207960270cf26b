"""The dashboard filter: one value, read from the URL, that every dashboard query takes.

Pages build it once per request with :meth:`DashboardFilter.from_args` (``request.args``)
and hand the same value to every query, chart and link, so no number on a page answers to
another filter than its neighbours. A team-scoped user's teams are intersected in here, once:
a query never sees a team the user may not see, whatever the URL says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Final

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

#: The period a page shows when the URL names none: the last 90 days up to today.
DEFAULT_DAYS: Final = 90
#: The longest period one filter may span (rollups are daily rows).
MAX_DAYS: Final = 3 * 366
#: Longest accepted text value (segment, stage, touchpoint type: the columns' length).
MAX_TEXT: Final = 64
LANGUAGES: Final = ("es", "en")


class FilterError(ValueError):
    """A filter value in the URL is not valid; ``field`` names the parameter."""

    # The message is lazy so the filter error page shows it in the page's language.
    def __init__(self, field: str, message: str | LazyString) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class DashboardFilter:
    """What every dashboard number answers to. Dates are local days, both ends included."""

    date_from: date
    date_to: date
    survey_id: int | None = None
    touchpoint_type: str | None = None
    #: None: every team (and answers without one); otherwise only these teams.
    team_ids: frozenset[int] | None = None
    segment: str | None = None
    lifecycle_stage: str | None = None
    #: The language the customer was asked in ("es", "en").
    language: str | None = None
    compare_previous: bool = False

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise FilterError("from", _l("the start comes after the end"))
        if (self.date_to - self.date_from).days >= MAX_DAYS:
            raise FilterError("from", _l("a period spans at most %(days)s days", days=MAX_DAYS))

    @classmethod
    def from_args(
        cls,
        args: Mapping[str, Any],
        *,
        today: date,
        allowed_teams: Iterable[int] | None = None,
    ) -> DashboardFilter:
        """Validate URL parameters (``request.args``); raise FilterError naming the field.

        ``allowed_teams``: the teams a scoped user may see (None: every team).
        """
        date_to = _date(args, "to") or today
        date_from = _date(args, "from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        built = cls(
            date_from=date_from,
            date_to=date_to,
            survey_id=_positive(args, "survey"),
            touchpoint_type=_text(args, "touchpoint"),
            team_ids=_teams(args),
            segment=_text(args, "segment"),
            lifecycle_stage=_text(args, "stage"),
            language=_language(args),
            compare_previous=_flag(args, "compare"),
        )
        return built.scoped(allowed_teams)

    def scoped(self, allowed_teams: Iterable[int] | None) -> DashboardFilter:
        """Return this filter limited to the teams a user may see (None: no limit)."""
        if allowed_teams is None:
            return self
        allowed = frozenset(allowed_teams)
        chosen = allowed if self.team_ids is None else self.team_ids & allowed
        return replace(self, team_ids=chosen)

    def to_args(self) -> dict[str, str | list[str]]:
        """Return the URL parameters that rebuild this filter (for links and redirects)."""
        args: dict[str, str | list[str]] = {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
        }
        optional = {
            "survey": self.survey_id,
            "touchpoint": self.touchpoint_type,
            "segment": self.segment,
            "stage": self.lifecycle_stage,
            "lang": self.language,
        }
        args.update({name: str(value) for name, value in optional.items() if value is not None})
        if self.team_ids is not None:
            args["team"] = [str(team) for team in sorted(self.team_ids)]
        if self.compare_previous:
            args["compare"] = "1"
        return args

    @property
    def days(self) -> int:
        """Days in the period."""
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> DashboardFilter:
        """Return the same filter over the period of equal length just before this one."""
        end = self.date_from - timedelta(days=1)
        return replace(
            self,
            date_from=end - timedelta(days=self.days - 1),
            date_to=end,
            compare_previous=False,
        )


def _values(args: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        values = [str(value) for value in getlist(name)]
    else:
        raw = args.get(name)
        values = (
            [] if raw is None else [str(v) for v in raw] if isinstance(raw, list) else [str(raw)]
        )
    return [value.strip() for value in values if value.strip()]


def _one(args: Mapping[str, Any], name: str) -> str | None:
    values = _values(args, name)
    if len(values) > 1:
        raise FilterError(name, _l("give it once"))
    return values[0] if values else None


def _date(args: Mapping[str, Any], name: str) -> date | None:
    raw = _one(args, name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(name, _l("use a date such as 2026-03-31")) from None


def _positive(args: Mapping[str, Any], name: str) -> int | None:
    raw = _one(args, name)
    return None if raw is None else _id(name, raw)


def _id(name: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise FilterError(name, _l("use a positive whole number"))
    return int(raw)


def _teams(args: Mapping[str, Any]) -> frozenset[int] | None:
    values = _values(args, "team")
    if not values:
        return None
    if len(values) > 200:
        raise FilterError("team", _l("at most %(count)s teams", count=200))
    return frozenset(_id("team", value) for value in values)


def _text(args: Mapping[str, Any], name: str) -> str | None:
    raw = _one(args, name)
    if raw is not None and len(raw) > MAX_TEXT:
        raise FilterError(name, _l("at most %(count)s characters", count=MAX_TEXT))
    return raw


def _language(args: Mapping[str, Any]) -> str | None:
    raw = _one(args, "lang")
    if raw is not None and raw not in LANGUAGES:
        raise FilterError("lang", _l("use one of %(choices)s", choices=", ".join(LANGUAGES)))
    return raw


def _flag(args: Mapping[str, Any], name: str) -> bool:
    raw = _one(args, name)
    if raw is None or raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise FilterError(name, _l("use 1 or 0"))
