"""English polarity: TextBlob's lexicon and VADER, each as its authors compute it, only faster.

Measured on public labeled English (see docs/sentiment.md) the mean of TextBlob's PatternAnalyzer
polarity and VADER's compound score ranks answers better than either alone. `TextBlob(text)`
builds a blob, a parser and a new namedtuple class for every call; `pattern_polarity` runs the
same tokenizer and the same scoring rules over the same lexicon (en-sentiment.xml inside the
textblob wheel) with plain dictionaries, about three times faster. Its output is identical to
``TextBlob(text).sentiment.polarity``: tests/analysis/test_sentiment.py checks it on thousands
of varied texts.

Both were built for reviews and tweets: "still waiting for the callback", "bounced between four
departments" or "no hold time at all" hold no word they know, and VADER reads "they promised a
refund that never arrived" as positive. `service_score` adds what they miss: a short lexicon of
customer-service words and phrases, written for Heard (not learned from labeled data), with
negation ("didn't fix", "no hold time", "never had to chase them") and contrast ("but"). Where
it finds something, `polarity` blends it in, the more so the shorter the answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from analysis.spelling import NearMisses


class _PatternLexicon(NamedTuple):
    #: word -> (polarity, subjectivity, intensity), averaged over senses, as pattern does
    entries: dict[str, tuple[float, float, float]]
    #: words the lexicon also knows as adverbs: they modify the next known word ("really good")
    adverbs: frozenset[str]
    #: lowercased emoticon -> polarity, first matching mood in TextBlob's order
    emoticons: dict[str, float]
    punctuation: str
    tokenize: Callable[..., list[str]]
    #: TextBlob's contraction splits ("n't" -> " n't"), applied in its order
    contractions: tuple[tuple[str, str], ...]


_NEGATIONS = frozenset(("no", "not", "n't", "never"))


@cache
def _pattern_lexicon() -> _PatternLexicon:
    from textblob import _text
    from textblob.en import sentiment as pattern_sentiment

    # A lazy dict: the first len() reads en-sentiment.xml and adds the "-ly" adverbs, exactly
    # as TextBlob's first use does (and does nothing if TextBlob got there first).
    len(pattern_sentiment)
    words: dict[str, dict[str | None, list[float]]] = dict(dict.items(pattern_sentiment))
    emoticons: dict[str, float] = {}
    for (_mood, polarity), faces in _text.EMOTICONS.items():
        for face in faces:
            emoticons.setdefault(face.lower(), polarity)
    return _PatternLexicon(
        entries={word: tuple(by_tag[None]) for word, by_tag in words.items()},  # type: ignore[misc]
        adverbs=frozenset(word for word, by_tag in words.items() if "RB" in by_tag),
        emoticons=emoticons,
        punctuation=_text.PUNCTUATION,
        tokenize=pattern_sentiment.tokenizer,
        contractions=tuple(_text.replacements.items()),
    )


def _pattern_tokens(text: str, lex: _PatternLexicon) -> list[str]:
    """Return TextBlob's tokens of `text` (its sentences, as space-separated words).

    TextBlob's tokenizer splits contractions with seven re.sub() calls on literal patterns;
    str.replace() does the same, faster. It also leaves a token ending in a contraction
    unsplit, but no token can: every apostrophe is spaced out before tokens are cut, so
    ``replace={}`` changes nothing else.
    """
    for contraction, split in lex.contractions:
        text = text.replace(contraction, split)
    return lex.tokenize(text, replace={})


def pattern_polarity(text: str) -> float:
    """Return ``TextBlob(text).sentiment.polarity``, computed without building a TextBlob.

    This follows textblob._text.Sentiment.assessments() rule by rule (part-of-speech is always
    None for plain strings); keep the two in step if textblob changes.
    """
    lex = _pattern_lexicon()
    entries, adverbs = lex.entries, lex.adverbs
    scored: list[list[Any]] = []  # [polarity, intensity, negated] per assessed word
    modifier: str | None = None
    negation: str | None = None
    for word in " ".join(_pattern_tokens(text, lex)).split():
        word = word.lower()
        entry = entries.get(word)
        if entry is not None:
            _assess_known(scored, entry, modifier is not None, negation is not None)
            modifier = word if word in adverbs else None
            negation = word if word in _NEGATIONS else None
            continue
        if word in _NEGATIONS:
            negation = word
        elif negation and len(word.strip("'")) > 1:
            negation = None
        if negation is not None and modifier is not None and modifier.endswith("ly"):
            scored[-1][2] = True  # "really not good"
            negation = None
        elif modifier and len(word) > 2:
            modifier = None
        _assess_unknown(scored, word, lex)
    total = 0  # an int start, as pattern's avg(): 0 + floats gives the same float sums
    for polarity, _intensity, negated in scored:
        total += polarity * -0.5 if negated else polarity
    return total / float(len(scored) or 1)


def _assess_known(
    scored: list[list[Any]], entry: tuple[float, float, float], modified: bool, negated: bool
) -> None:
    polarity, _subjectivity, intensity = entry
    if not modified:
        scored.append([polarity, intensity, False])
    else:  # "really good": the adverb's intensity scales this word's polarity
        last = scored[-1]
        last[0] = max(-1.0, min(polarity * last[1], 1.0))
        last[1] = intensity
    if negated:
        last = scored[-1]
        last[1] = 1.0 / last[1]
        last[2] = True


def _assess_unknown(scored: list[list[Any]], word: str, lex: _PatternLexicon) -> None:
    if word == "!" and scored:
        scored[-1][0] = max(-1.0, min(scored[-1][0] * 1.25, 1.0))
    if word == "(!)":
        scored.append([0.0, 1.0, False])  # sarcasm mark: counts as a neutral assessment
    # `not in punctuation` is a substring test on a str, as in pattern.
    if len(word) <= 5 and not word.isalpha() and word not in lex.punctuation:
        polarity = lex.emoticons.get(word)
        if polarity is not None:
            scored.append([polarity, 1.0, False])


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_compound(text: str) -> float:
    """Return VADER's compound score of `text` (-1...1)."""
    return float(_vader().polarity_scores(text)["compound"])


# Valence of customer-service words and phrases on VADER's scale (-4...4). "_" joins the words of
# a phrase, which counts as one word; "*" stands for any one word. Phrases holding their own
# negation ("never_arrived", "couldn't_be_happier") are not turned again by a negation before them.
_SERVICE_WORDS = """
3.0 couldn't_be_happier could_not_be_happier couldn't_ask_for_more couldn't_have_asked_for_more
3.0 can't_fault cannot_fault couldn't_fault can't_complain cannot_complain above_and_beyond
3.0 to_die_for nothing_to_complain_about anything_to_complain_about must_have
2.4 tasty yummy delicious smooth smoothly seamless painless answered_every every_question
2.4 all_my_questions
1.6 help helped easy_to_reach reach
3.0 extra_mile can't_recommend_*_enough can't_recommend_enough no_complaints
2.4 spot_on top_notch nothing_to_improve not_a_single_issue not_one_issue hard_to_beat
2.4 out_of_*_way nice_touch hassle_free worth_the_wait felt_heard feel_heard up_and_running
2.4 can't_wait couldn't_wait
2.0 sorted sorted_out fixed solved resolved working_again works_now straight_away right_away
2.0 in_no_time first_ring first_call first_try first_attempt first_time_round one_call
2.0 single_call one_phone_call one_chat listened taken_seriously took_*_seriously
2.0 walked_me_through kept_me_updated kept_me_informed kept_me_posted followed_up as_promised
2.0 than_promised what_they_promised what_was_promised ahead_of_schedule earlier_than_expected
2.0 sooner_than_expected faster_than_expected quicker_than_expected knew_what_to_do waived
2.0 refunded came_through works_again work_again
1.6 calls_back rang_back rings_back
1.6 fix fixes resolve solution polite patient understood explained credited reversed
1.6 compensation got_through picked_up pick_up picks_up call_back called_back call_me_back
1.6 called_me_back got_back_to_me get_back_to_me ownership responsibility money_back on_time
1.6 within_minutes in_minutes within_seconds in_seconds within_a_minute within_the_hour
1.6 within_an_hour same_day in_*_minutes under_*_minutes within_*_minutes promptly
1.6 without_having_to
1.2 didn't_have_to did_not_have_to never_had_to no_need_to
1.2 explain explanation listen listening answered answers replied responded respond
1.2 step_by_step line_by_line early
0.8 working
-0.8 had_to
-1.0 for_days for_weeks for_months days_ago weeks_ago months_ago paperwork script
-1.2 wait waited waiting queue queued hold_time hold_times issue issues three_times
-1.2 four_times five_times six_times several_times multiple_times repeatedly surcharge
-1.2 for_*_minutes for_an_hour for_hours for_*_hours cluttered dented scratched
-1.6 chase chasing chased on_hold forever ages eternity unhelpful scripted from_a_script
-1.6 excuses frozen froze
-1.6 freezes freezing crashes crashing crashed glitch glitchy buggy overdue unanswered
-1.6 repeat_myself repeating_myself start_again from_scratch locked_out cut_off refuse
-1.6 refused refuses red_tape hoops took_*_weeks took_*_months took_a_week took_a_month
-1.6 took_ages took_forever is_down was_down been_down went_down down_since wouldn't_let_me
-1.6 didn't_let_me won't_let_me no_action not_the_first_time isn't_the_first_time
-1.6 wasn't_the_first_time
-2.0 still_waiting still_no still_not still_haven't still_hasn't still_isn't still_doesn't
-2.0 still_don't still_can't still_won't still_without still_nothing still_there still_broken
-2.0 still_the_same still_being hung_up hang_up hangs_up went_dead got_cut_off bounced
-2.0 passed_around pushed_around run_around runaround in_circles from_one_*_to_another
-2.0 same_issue same_problem unresolved unsolved dismissive overcharged double_charged
-2.0 charged_twice charged_me_twice billed_twice hidden_fees never_did never_arrived
-2.0 never_came never_showed never_turned_up never_got never_received never_heard_back
-2.0 never_replied never_answered never_responded never_called never_happened no_reply
-2.0 no_answer no_response no_callback no_call_back no_update no_updates no_follow_up
-2.0 no_explanation no_solution no_help no_idea nobody_bothered no_one_bothered
-2.0 didn't_bother talking_to_a_wall brick_wall empty_promises broken_promises stopped_working
-2.0 lots_of_promises kept_interrupting botched doesn't_work didn't_work don't_work won't_work
-2.0 not_working isn't_working wasn't_working
-2.4 condescending patronising patronizing couldn't_be_bothered could_not_be_bothered
-2.4 can't_be_bothered sick_of fed_up waste_of_time thanks_for_nothing never_again
-2.4 never_using nightmare nightmares
-1.6 late delayed hold_music
-2.0 no_signal no_internet no_service no_connection no_connectivity no_dial_tone no_power
-2.0 no_wifi no_coverage no_phone no_network still_have_no without_internet without_power
-2.0 without_service without_a_connection ignored ignoring ignores
-2.4 waste_your_money waste_of_money wasted_my_money waste_your_time wasted_my_time sucked
-2.4 suck sucks sucky don't_waste do_not_waste dont_waste
-1.6 expected_better expect_better expected_more expect_more expected_a_better deserve_better
-1.6 breaks broke broken poorly lukewarm luke_warm overpriced
-2.4 switching_to switch_to_another switching_providers another_provider another_company
-2.4 another_supplier another_carrier another_bank business_elsewhere go_elsewhere
-2.4 going_elsewhere cancel_my cancelling_my canceling_my close_my_account
-2.4 leaving_when be_leaving i'm_leaving am_leaving will_leave just_a_number like_a_number
"""


def _phrases(text: str) -> frozenset[str]:
    return frozenset(entry.replace("_", " ") for entry in text.split())


# Words and phrases that turn the sentiment words among the next _SERVICE_SCOPE tokens.
_SERVICE_NEGATORS = _phrases(
    """
    no not never nobody nothing none nor neither without hardly barely zero cannot can't
    couldn't didn't don't doesn't isn't wasn't weren't won't wouldn't haven't hasn't hadn't
    aren't ain't shouldn't no_one still_no still_not still_haven't still_hasn't still_isn't
    still_doesn't still_don't still_can't still_won't still_without without_having_to
    didn't_have_to did_not_have_to never_had_to no_need_to
    """
)
_SERVICE_CONTRAST = frozenset(("but", "however", "although", "though"))
_SERVICE_CLAUSE_END = frozenset(".,;:!?()")
# Words that do not use up a negation's reach: "nobody could give me a solution".
_SERVICE_FILLERS = _phrases(
    """
    a an the my me our us your it them this that any their his her once ever even was were is
    are be been able to did do does they he she anyone
    """
)
_SERVICE_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[.,;:!?()]")
_SERVICE_SCOPE = 3
_SERVICE_NEGATION = -0.74  # VADER's factor: "not good" is less bad than "bad" is bad.
_SERVICE_BEFORE_CONTRAST = 0.5
_SERVICE_AFTER_CONTRAST = 1.5
_SERVICE_NORMALISER = 15.0  # VADER's alpha: score / sqrt(score**2 + alpha) maps onto -1...1.
#: Where the service lexicon finds something in an answer of up to this many words, it weighs
#: `_SERVICE_WEIGHT` against TextBlob and VADER's mean; in longer texts proportionally less.
_SERVICE_SHORT_ANSWER = 25
_SERVICE_WEIGHT = 0.6
_WILDCARD = "*"


_PhraseRest = tuple[str | None, ...]  # a phrase's words after its first; None is any word


class _ServiceLexicon(NamedTuple):
    #: word or phrase (words separated by spaces) -> valence
    valences: dict[str, float]
    #: first word -> (every second word, or None if one is "*"; [(phrase, its other words)],
    #: longest first)
    phrases: dict[str, tuple[frozenset[str] | None, list[tuple[str, _PhraseRest]]]]
    #: phrases that hold their own negation, which a negation before them does not turn
    self_negated: frozenset[str]
    #: one word of each word or phrase with a valence, its longest: a text without any of them
    #: scores 0 and is not read further
    triggers: frozenset[str]


@cache
def _service_lexicon() -> _ServiceLexicon:
    valences: dict[str, float] = {}
    for line in _SERVICE_WORDS.strip().splitlines():
        valence, *entries = line.split()
        for entry in entries:
            valences.setdefault(entry.replace("_", " "), float(valence))
    grouped: dict[str, list[tuple[str, _PhraseRest]]] = {}
    for phrase in (*valences, *_SERVICE_NEGATORS):
        first, *others = phrase.split()
        if others:
            rest = tuple(None if word == _WILDCARD else word for word in others)
            grouped.setdefault(first, []).append((phrase, rest))
    phrases = {}
    for first, candidates in grouped.items():
        candidates.sort(key=lambda candidate: (-len(candidate[1]), None in candidate[1]))
        seconds = [rest[0] for _, rest in candidates]
        literal = frozenset(word for word in seconds if word is not None)
        phrases[first] = (None if None in seconds else literal, candidates)
    single = {word for word in _SERVICE_NEGATORS if " " not in word}
    self_negated = frozenset(
        phrase for phrase in valences if " " in phrase and single & set(phrase.split())
    )
    triggers = frozenset(
        max((word for word in entry.split() if word != _WILDCARD), key=len) for entry in valences
    )
    return _ServiceLexicon(valences, phrases, self_negated, triggers)


def _join_phrases(tokens: list[str]) -> list[str]:
    """Return `tokens` with each known phrase joined into one token ("still waiting")."""
    phrases = _service_lexicon().phrases
    merged: list[str] = []
    position, count = 0, len(tokens)
    while position < count:
        token = tokens[position]
        start = phrases.get(token)
        if (
            start is not None
            and position + 1 < count
            and (start[0] is None or tokens[position + 1] in start[0])
        ):
            token, position = _match_phrase(tokens, position, start[1])
        else:
            position += 1
        merged.append(token)
    return merged


def _match_phrase(
    tokens: list[str], position: int, candidates: list[tuple[str, _PhraseRest]]
) -> tuple[str, int]:
    """Return the phrase (or the lone word) at `position` and the position after it."""
    for phrase, rest in candidates:
        end = position + 1 + len(rest)
        if end > len(tokens):
            continue
        for token, word in zip(tokens[position + 1 : end], rest, strict=True):
            if token != word and (word is not None or not token[0].isalnum()):
                break
        else:
            return phrase, end
    return tokens[position], position + 1


def service_score(text: str) -> tuple[float, int]:
    """Return the service lexicon's unbounded score of `text` and its number of words.

    A score of 0.0 means the text holds no service word or phrase (or they cancel out); the
    number of words is then left uncounted (0) when none of the lexicon's words is there.
    """
    lex = _service_lexicon()
    tokens = _SERVICE_TOKEN.findall(text.lower().replace("\u2019", "'"))
    if lex.triggers.isdisjoint(tokens):
        return 0.0, 0
    earlier = clause = 0.0
    weight = 1.0
    negated_for = 0
    for token in _join_phrases(tokens):
        value = lex.valences.get(token)
        if value is not None:
            if negated_for and token not in lex.self_negated:
                value *= _SERVICE_NEGATION
            clause += value
        if token in _SERVICE_NEGATORS:
            negated_for = _SERVICE_SCOPE
        elif token in _SERVICE_CLAUSE_END:
            negated_for = 0
        elif token in _SERVICE_CONTRAST:
            earlier = (earlier + clause * weight) * _SERVICE_BEFORE_CONTRAST
            clause, weight, negated_for = 0.0, _SERVICE_AFTER_CONTRAST, 0
        elif negated_for and token not in _SERVICE_FILLERS:
            negated_for -= 1
    words = len(tokens) - sum(map(_SERVICE_CLAUSE_END.__contains__, tokens))
    return earlier + clause * weight, words


def base_polarity(text: str) -> float:
    """Return the mean of TextBlob's and VADER's polarity of `text`, -1...1."""
    return (pattern_polarity(text) + vader_compound(text)) / 2.0


def polarity(text: str) -> float:
    """Return Heard's English polarity, -1...1.

    The mean of TextBlob's and VADER's polarity; where the service lexicon finds something,
    a weighted mean of that and the lexicon's score (weight `_SERVICE_WEIGHT` up to
    `_SERVICE_SHORT_ANSWER` words, proportionally less in longer texts).
    """
    base = base_polarity(text)
    raw, words = service_score(text)
    if not raw:
        return base
    weight = _SERVICE_WEIGHT * min(1.0, _SERVICE_SHORT_ANSWER / max(words, 1))
    service = raw / math.sqrt(raw * raw + _SERVICE_NORMALISER)
    return (1.0 - weight) * base + weight * service


#: Words at least this strong (VADER's scale, -4...4; TextBlob's polarity times 4) are what a
#: misspelt word is corrected to ("terible" -> "terrible"); weaker ones are not worth the risk.
_STRONG_VALENCE = 1.5


@cache
def lexicon_words() -> dict[str, float]:
    """Return every single word TextBlob, VADER and the service lexicon score (VADER's scale)."""
    words: dict[str, float] = {}
    for word, valence in _service_lexicon().valences.items():
        if " " not in word:
            words[word] = valence
    for word, valence in _vader().lexicon.items():
        words.setdefault(word, float(valence))
    for word, (polarity, _subjectivity, _intensity) in _pattern_lexicon().entries.items():
        words.setdefault(word, 4.0 * polarity)
    return words


@cache
def near_misses() -> NearMisses:
    """Return the corrector towards strong English sentiment words ("terible" -> "terrible")."""
    return NearMisses(lexicon_words(), strong=_STRONG_VALENCE)


def warm_up() -> None:
    """Load both lexicons and the service phrases now rather than on the first answer."""
    _pattern_lexicon()
    _vader()
    _service_lexicon()
    near_misses()
