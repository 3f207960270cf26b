"""Signals that a team's scores may be gamed or polluted, each with its evidence.

A signal is a prompt to look, not proof: every one has innocent explanations (a team that hands
out paper forms creates invitations by hand). Each compares the team with the *rest* of the
organisation (organisation minus team; callers pass organisation counts that include the team)
and fires only when three things hold:

1. enough data: at least ``SIGNAL_MIN_N`` cases for the team and for the rest;
2. a large gap: the team's share passes ``threshold`` = rest's share + the signal's margin
   (or, for the two-sided response rate, minus it);
3. a clear one: a pooled two-proportion z-test rejects "no difference" at ``SIGNAL_ALPHA``
   (one-sided, two-sided for the response rate), so chance in a small team does not fire it.

Small teams rarely reach ``SIGNAL_MIN_N`` cases in a week or a month, so the checks pool a
team's last ``POOL_DAYS`` days: ``check_team_window`` takes dated rows (the app's ``GROUP BY
team, day`` counts, as ``DatedActivity``), sums the window ending on ``as_of`` for the team and
for the organisation, and runs every signal on the sums. ``activity_from_invitations`` builds the
same counts from raw dated invitations for callers holding rows rather than counts. A team of 60
invitations in 90 days, half of them coerced (silent 10s answered seconds after delivery from
one device), is caught in every simulated case, while honest teams of 60 to 2,000 invitations
trigger any signal in under 1 % of 90-day windows (``tests/analysis/test_integrity.py``, seeded
simulation).

``score_without_sentiment`` compares a team with itself over two periods instead: the NPS rose
by at least ``NPS_RISE_POINTS`` (and the rise is significant at ``SIGNAL_ALPHA``, one-sided)
while mean sentiment did not rise by ``SENTIMENT_RISE_MIN``. There ``value`` is the NPS change,
``baseline`` the sentiment change and ``threshold`` the NPS rise that counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from analysis import nps
from analysis.intervals import check_count, check_part, two_proportion_z, z_for
from analysis.nps import NpsCounts
from analysis.types import Message, format_number, format_share

#: Cases needed for the team and for the rest of the organisation before a signal can fire.
SIGNAL_MIN_N = 30
#: False-alarm rate per signal and team when nothing is wrong. Kept low because a dashboard
#: checks every team: with 20 teams and 7 signals, 0.05 would raise about 7 false alarms.
SIGNAL_ALPHA = 0.01

#: Days of activity pooled per team, so that a small team gathers enough cases to be judged.
POOL_DAYS = 90

#: Gap over the rest in the share of invitations created by hand instead of by touchpoint rules.
MANUAL_SHARE_MARGIN = 0.25
#: Gap, either way, between the team's response rate and the rest's. Far above suggests
#: hand-picked or pressured customers; far below, invitations sent and then discouraged.
RESPONSE_RATE_MARGIN = 0.20
#: Gap in the share of 10s that come with no words: a quick 10 given with staff watching.
SILENT_TEN_MARGIN = 0.20
#: An answer this soon after delivery is "fast": too soon to have read an e-mail at leisure.
FAST_ANSWER_SECONDS = 60
#: Gap in the share of fast answers.
FAST_ANSWER_MARGIN = 0.10
#: Gap in the share of answers from a device fingerprint that other contacts also answered from.
SHARED_DEVICE_MARGIN = 0.10
#: Gap in the share of link opens that look like mail-scanner clicks (opened within seconds of
#: delivery, from a data-centre address, or every link in the message at once).
SCANNER_CLICK_MARGIN = 0.15
#: NPS rise between two periods, in points, that needs a matching rise in sentiment.
NPS_RISE_POINTS = 15.0
#: Rise in mean sentiment polarity (-1..1) that counts as "sentiment rose too".
SENTIMENT_RISE_MIN = 0.05


class SignalCode(StrEnum):
    """Stable codes of the integrity signals."""

    MANUAL_INVITATIONS = "manual_invitations"
    RESPONSE_RATE = "response_rate"
    SILENT_TENS = "silent_tens"
    FAST_ANSWERS = "fast_answers"
    SHARED_DEVICES = "shared_devices"
    SCANNER_CLICKS = "scanner_clicks"
    SCORE_WITHOUT_SENTIMENT = "score_without_sentiment"


_TITLES: dict[SignalCode, Message] = {
    SignalCode.MANUAL_INVITATIONS: Message("Invitations created by hand", "Invitaciones a mano"),
    SignalCode.RESPONSE_RATE: Message("Unusual response rate", "Tasa de respuesta inusual"),
    SignalCode.SILENT_TENS: Message("10s without words", "Dieces sin comentario"),
    SignalCode.FAST_ANSWERS: Message("Answers within seconds", "Respuestas en segundos"),
    SignalCode.SHARED_DEVICES: Message("Shared devices", "Dispositivos compartidos"),
    SignalCode.SCANNER_CLICKS: Message("Mail-scanner clicks", "Clics de escáner de correo"),
    SignalCode.SCORE_WITHOUT_SENTIMENT: Message(
        "Score rising without sentiment", "Puntuación que sube sin el sentimiento"
    ),
}


@dataclass(frozen=True, slots=True)
class TeamActivity:
    """Counts the app aggregates for one team, or for the whole organisation.

    ``fast_answers`` are answers within ``FAST_ANSWER_SECONDS`` of delivery;
    ``shared_device_answers`` are answers whose device fingerprint another contact also
    answered from; ``scanner_opens`` are link opens that look automated.
    """

    invited: int = 0
    manual_invitations: int = 0
    answered: int = 0
    fast_answers: int = 0
    tens: int = 0
    silent_tens: int = 0
    shared_device_answers: int = 0
    link_opens: int = 0
    scanner_opens: int = 0

    def __post_init__(self) -> None:
        check_part("manual_invitations", self.manual_invitations, "invited", self.invited)
        check_part("answered", self.answered, "invited", self.invited)
        check_part("fast_answers", self.fast_answers, "answered", self.answered)
        check_part("tens", self.tens, "answered", self.answered)
        check_part("silent_tens", self.silent_tens, "tens", self.tens)
        check_part("shared_device_answers", self.shared_device_answers, "answered", self.answered)
        check_part("scanner_opens", self.scanner_opens, "link_opens", self.link_opens)


@dataclass(frozen=True, slots=True)
class ScoreShift:
    """A team's NPS counts and mean sentiment polarity (-1..1) in two consecutive periods."""

    previous: NpsCounts
    current: NpsCounts
    previous_sentiment: float
    current_sentiment: float

    def __post_init__(self) -> None:
        for sentiment in (self.previous_sentiment, self.current_sentiment):
            if not -1 <= sentiment <= 1:
                raise ValueError(f"mean sentiment must lie in -1..1, got {sentiment!r}")


@dataclass(frozen=True, slots=True)
class IntegritySignal:
    """One signal: the team's value, the baseline, the threshold, and whether it fired."""

    code: SignalCode
    value: float
    baseline: float
    threshold: float
    triggered: bool
    n: int
    evidence: Message

    def title(self, locale: str) -> str:
        """Return the signal's short name in the locale's language."""
        return _TITLES[self.code].text(locale)

    def evidence_text(self, locale: str) -> str:
        """Return the evidence sentence in the locale's language."""
        return self.evidence.text(locale)


@dataclass(frozen=True, slots=True)
class _ShareRule:
    count: str
    total: str
    margin: float
    two_sided: bool
    en: str
    es: str


_RULES: dict[SignalCode, _ShareRule] = {
    SignalCode.MANUAL_INVITATIONS: _ShareRule(
        "manual_invitations",
        "invited",
        MANUAL_SHARE_MARGIN,
        False,
        "{value} of this team's {n} invitations were created by hand, against {baseline} in "
        "the rest of the organisation.",
        "El {value} de las {n} invitaciones de este equipo se crearon a mano, frente al "
        "{baseline} en el resto de la organización.",
    ),
    SignalCode.RESPONSE_RATE: _ShareRule(
        "answered",
        "invited",
        RESPONSE_RATE_MARGIN,
        True,
        "This team's response rate is {value} over {n} invitations, against {baseline} in the "
        "rest of the organisation.",
        "La tasa de respuesta de este equipo es del {value} sobre {n} invitaciones, frente al "
        "{baseline} en el resto de la organización.",
    ),
    SignalCode.SILENT_TENS: _ShareRule(
        "silent_tens",
        "tens",
        SILENT_TEN_MARGIN,
        False,
        "{value} of this team's {n} scores of 10 came with no words, against {baseline} in the "
        "rest of the organisation.",
        "El {value} de los {n} dieces de este equipo llegaron sin comentario, frente al "
        "{baseline} en el resto de la organización.",
    ),
    SignalCode.FAST_ANSWERS: _ShareRule(
        "fast_answers",
        "answered",
        FAST_ANSWER_MARGIN,
        False,
        f"{{value}} of this team's {{n}} answers arrived within {FAST_ANSWER_SECONDS} seconds "
        "of delivery, against {baseline} in the rest of the organisation.",
        f"El {{value}} de las {{n}} respuestas de este equipo llegaron a menos de "
        f"{FAST_ANSWER_SECONDS} segundos del envío, frente al {{baseline}} en el resto de la "
        "organización.",
    ),
    SignalCode.SHARED_DEVICES: _ShareRule(
        "shared_device_answers",
        "answered",
        SHARED_DEVICE_MARGIN,
        False,
        "{value} of this team's {n} answers came from a device that other contacts also "
        "answered from, against {baseline} in the rest of the organisation.",
        "El {value} de las {n} respuestas de este equipo salieron de un dispositivo desde el "
        "que también respondieron otros contactos, frente al {baseline} en el resto de la "
        "organización.",
    ),
    SignalCode.SCANNER_CLICKS: _ShareRule(
        "scanner_opens",
        "link_opens",
        SCANNER_CLICK_MARGIN,
        False,
        "{value} of this team's {n} survey link opens look like automatic mail-scanner clicks, "
        "against {baseline} in the rest of the organisation.",
        "El {value} de las {n} aperturas del enlace de la encuesta de este equipo parecen "
        "clics automáticos de un escáner de correo, frente al {baseline} en el resto de la "
        "organización.",
    ),
}


def check_manual_invitations(team: TeamActivity, organisation: TeamActivity) -> IntegritySignal:
    """Flag a team that creates far more invitations by hand than the rest."""
    return _share_signal(SignalCode.MANUAL_INVITATIONS, team, organisation)


def check_response_rate(team: TeamActivity, organisation: TeamActivity) -> IntegritySignal:
    """Flag a team whose response rate is far from the rest's, either way."""
    return _share_signal(SignalCode.RESPONSE_RATE, team, organisation)


def check_silent_tens(team: TeamActivity, organisation: TeamActivity) -> IntegritySignal:
    """Flag a team whose 10s come without words far more often than the rest's."""
    return _share_signal(SignalCode.SILENT_TENS, team, organisation)


def check_fast_answers(team: TeamActivity, organisation: TeamActivity) -> IntegritySignal:
    """Flag a team with far more answers within seconds of delivery than the rest."""
    return _share_signal(SignalCode.FAST_ANSWERS, team, organisation)


def check_shared_devices(team: TeamActivity, organisation: TeamActivity) -> IntegritySignal:
    """Flag a team with far more answers from devices shared between contacts."""
    return _share_signal(SignalCode.SHARED_DEVICES, team, organisation)


def check_scanner_clicks(team: TeamActivity, organisation: TeamActivity) -> IntegritySignal:
    """Flag a team with far more link opens that look like mail-scanner clicks."""
    return _share_signal(SignalCode.SCANNER_CLICKS, team, organisation)


def check_score_without_sentiment(shift: ScoreShift) -> IntegritySignal:
    """Flag an NPS that rose clearly while the sentiment of the words did not."""
    # A one-sided test at SIGNAL_ALPHA is the lower end of a (1 - 2·alpha) two-sided interval.
    change = nps.difference(_summary(shift.previous), _summary(shift.current), 1 - 2 * SIGNAL_ALPHA)
    sentiment_change = shift.current_sentiment - shift.previous_sentiment
    n = min(shift.previous.n, shift.current.n)
    triggered = (
        n >= SIGNAL_MIN_N
        and change.low > 0
        and change.change >= NPS_RISE_POINTS
        and sentiment_change < SENTIMENT_RISE_MIN
    )
    if n < SIGNAL_MIN_N:
        evidence = _too_few(shift.current.n, shift.previous.n)
    else:
        evidence = _shift_evidence(shift, change.change, sentiment_change)
    return IntegritySignal(
        code=SignalCode.SCORE_WITHOUT_SENTIMENT,
        value=change.change,
        baseline=sentiment_change,
        threshold=NPS_RISE_POINTS,
        triggered=triggered,
        n=shift.current.n,
        evidence=evidence,
    )


def check_team(
    team: TeamActivity, organisation: TeamActivity, shift: ScoreShift | None = None
) -> tuple[IntegritySignal, ...]:
    """Run every integrity signal for one team (the sentiment one only if shift is given)."""
    signals = [_share_signal(code, team, organisation) for code in _RULES]
    if shift is not None:
        signals.append(check_score_without_sentiment(shift))
    return tuple(signals)


@dataclass(frozen=True, slots=True)
class DatedActivity:
    """One day of a team's (or the organisation's) counts: a row of ``GROUP BY team, day``."""

    day: date
    activity: TeamActivity


@dataclass(frozen=True, slots=True)
class Invitation:
    """One invitation and what became of it, for callers holding raw rows instead of counts.

    ``seconds_to_answer`` runs from delivery to the answer; ``device`` is the answer's device
    fingerprint and ``contact`` who answered, so that a device several contacts answered from
    can be told apart from one person answering twice.
    """

    created_at: date
    manual: bool = False
    answered: bool = False
    score: int | None = None
    has_text: bool = False
    seconds_to_answer: float | None = None
    device: str | None = None
    contact: str | None = None
    link_opens: int = 0
    scanner_opens: int = 0

    def __post_init__(self) -> None:
        check_part("scanner_opens", self.scanner_opens, "link_opens", self.link_opens)
        if self.score is not None and not self.answered:
            raise ValueError("an invitation with a score must be answered")


def pool_activity(
    rows: Iterable[DatedActivity | tuple[date, TeamActivity]],
    as_of: date,
    window_days: int = POOL_DAYS,
) -> TeamActivity:
    """Sum the daily counts of the window_days days that end on as_of (inclusive)."""
    start = _window_start(as_of, window_days)
    totals = dict.fromkeys(_ACTIVITY_FIELDS, 0)
    for row in rows:
        day, activity = (row.day, row.activity) if isinstance(row, DatedActivity) else row
        if start < _day(day) <= _day(as_of):
            for name in _ACTIVITY_FIELDS:
                totals[name] += getattr(activity, name)
    return TeamActivity(**totals)


def activity_from_invitations(
    invitations: Iterable[Invitation], as_of: date, window_days: int = POOL_DAYS
) -> TeamActivity:
    """Count a team's activity from raw invitations created in the window ending on as_of.

    A device counts as shared when more than one contact answered from it among the
    invitations given: pass the whole organisation's to see sharing across teams.
    """
    start = _window_start(as_of, window_days)
    chosen = [item for item in invitations if start < _day(item.created_at) <= _day(as_of)]
    answers = [item for item in chosen if item.answered]
    contacts_by_device: dict[str, set[str | None]] = {}
    for item in answers:
        if item.device is not None:
            contacts_by_device.setdefault(item.device, set()).add(item.contact)
    shared = {device for device, contacts in contacts_by_device.items() if len(contacts) > 1}
    tens = [item for item in answers if item.score == 10]
    return TeamActivity(
        invited=len(chosen),
        manual_invitations=sum(item.manual for item in chosen),
        answered=len(answers),
        fast_answers=sum(_is_fast(item) for item in answers),
        tens=len(tens),
        silent_tens=sum(not item.has_text for item in tens),
        shared_device_answers=sum(item.device in shared for item in answers),
        link_opens=sum(item.link_opens for item in chosen),
        scanner_opens=sum(item.scanner_opens for item in chosen),
    )


def check_team_window(
    team: Iterable[DatedActivity | tuple[date, TeamActivity]],
    organisation: Iterable[DatedActivity | tuple[date, TeamActivity]],
    as_of: date,
    window_days: int = POOL_DAYS,
    shift: ScoreShift | None = None,
) -> tuple[IntegritySignal, ...]:
    """Pool the team's and the organisation's last window_days of counts and run every signal."""
    return check_team(
        pool_activity(team, as_of, window_days),
        pool_activity(organisation, as_of, window_days),
        shift,
    )


_ACTIVITY_FIELDS = (
    "invited",
    "manual_invitations",
    "answered",
    "fast_answers",
    "tens",
    "silent_tens",
    "shared_device_answers",
    "link_opens",
    "scanner_opens",
)


def _window_start(as_of: date, window_days: int) -> date:
    if check_count("window_days", window_days) < 1:
        raise ValueError("window_days must be at least 1")
    return _day(as_of) - timedelta(days=window_days)


def _day(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _is_fast(invitation: Invitation) -> bool:
    seconds = invitation.seconds_to_answer
    return seconds is not None and seconds <= FAST_ANSWER_SECONDS


def _share_signal(
    code: SignalCode, team: TeamActivity, organisation: TeamActivity
) -> IntegritySignal:
    rule = _RULES[code]
    count, total = getattr(team, rule.count), getattr(team, rule.total)
    rest_count = _rest(rule.count, count, getattr(organisation, rule.count))
    rest_total = _rest(rule.total, total, getattr(organisation, rule.total))
    value = count / total if total else 0.0
    baseline = rest_count / rest_total if rest_total else 0.0
    z = two_proportion_z(rest_count, rest_total, count, total)
    below = rule.two_sided and value < baseline
    threshold = max(0.0, baseline - rule.margin) if below else min(1.0, baseline + rule.margin)
    enough = total >= SIGNAL_MIN_N and rest_total >= SIGNAL_MIN_N
    # A two-sided test splits alpha between the tails.
    critical = z_for(1 - SIGNAL_ALPHA) if rule.two_sided else z_for(1 - 2 * SIGNAL_ALPHA)
    beyond = value <= threshold if below else value >= threshold
    clear = (-z if below else z) >= critical
    evidence = (
        _share_evidence(rule, value, baseline, total) if enough else _too_few(total, rest_total)
    )
    triggered = enough and beyond and clear
    return IntegritySignal(code, value, baseline, threshold, triggered, total, evidence)


def _rest(name: str, team_value: int, organisation_value: int) -> int:
    check_count(name, organisation_value)
    if team_value > organisation_value:
        raise ValueError(f"the organisation's {name} must include the team's")
    return organisation_value - team_value


def _share_evidence(rule: _ShareRule, value: float, baseline: float, n: int) -> Message:
    return Message(
        en=_capitalized(
            rule.en.format(
                value=format_share(value, "en"), baseline=format_share(baseline, "en"), n=n
            )
        ),
        es=rule.es.format(
            value=format_share(value, "es"), baseline=format_share(baseline, "es"), n=n
        ),
    )


def _capitalized(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _too_few(team_n: int, other_n: int) -> Message:
    return Message(
        en=f"Too few cases to judge ({team_n} and {other_n}); at least {SIGNAL_MIN_N} of each "
        "are needed.",
        es=f"Muy pocos casos para juzgar ({team_n} y {other_n}); se necesitan al menos "
        f"{SIGNAL_MIN_N} de cada lado.",
    )


def _shift_evidence(shift: ScoreShift, change: float, sentiment_change: float) -> Message:
    before, after = _summary(shift.previous).score, _summary(shift.current).score
    return Message(
        en=f"NPS moved {_signed(change, 'en', 0)} points ({format_number(before, 'en')} → "
        f"{format_number(after, 'en')}) while mean sentiment moved "
        f"{_signed(sentiment_change, 'en', 2)}.",
        es=f"El NPS cambió {_signed(change, 'es', 0)} puntos ({format_number(before, 'es')} → "
        f"{format_number(after, 'es')}) mientras el sentimiento medio cambió "
        f"{_signed(sentiment_change, 'es', 2)}.",
    )


def _signed(value: float, locale: str, digits: int) -> str:
    text = format_number(value, locale, digits)
    return text if text.startswith("-") else f"+{text}"


def _summary(counts: NpsCounts) -> nps.NpsSummary:
    return nps.from_counts(counts.promoters, counts.passives, counts.detractors)
