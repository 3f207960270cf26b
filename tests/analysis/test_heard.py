""" "Did you feel heard?": shares and the heard index."""

from __future__ import annotations

import pytest

from analysis import heard, nps
from analysis.heard import HeardCounts


def test_index_and_shares_match_the_hand_computation() -> None:
    # 60 yes, 30 partly, 10 no: index = (60 + 0.5 × 30) / 100 × 100 = 75.
    # Interval via the net score yes - no = 50: adjusted n' = 103, p_yes = 60.75/103 = 0.589806,
    # p_no = 10.75/103 = 0.104369, centre 0.485437, se = sqrt((0.694175 - 0.235649)/103)
    # = 0.066721, half 0.130771 → net [35.4666, 61.6208] → index 50 + net/2 = [67.7333, 80.8104].
    # Wilson for yes, 60 of 100: centre 0.596303, half 0.094298 → [0.502003, 0.690599].
    summary = heard.from_counts(60, 30, 10)
    assert summary.n == 100
    assert summary.index == 75.0
    assert summary.low == pytest.approx(67.7333, abs=1e-4)
    assert summary.high == pytest.approx(80.8104, abs=1e-4)
    assert (summary.yes.share, summary.partly.share, summary.no.share) == (0.6, 0.3, 0.1)
    assert summary.yes.low == pytest.approx(0.502003, abs=1e-5)
    assert summary.yes.high == pytest.approx(0.690599, abs=1e-5)


def test_index_interval_is_the_nps_interval_mapped_to_0_100() -> None:
    summary = heard.from_counts(7, 5, 3)
    net = nps.from_counts(7, 5, 3)
    assert summary.low == pytest.approx(50 + net.low / 2)
    assert summary.high == pytest.approx(50 + net.high / 2)
    assert summary.index == pytest.approx(50 + net.score / 2)


def test_everyone_heard_gives_100_and_nobody_0() -> None:
    assert heard.from_counts(12, 0, 0).index == 100.0
    assert heard.from_counts(12, 0, 0).high == 100.0
    assert heard.from_counts(0, 0, 12).index == 0.0
    assert heard.from_counts(0, 0, 12).low == 0.0


def test_empty_group_has_index_50_and_the_whole_range() -> None:
    summary = heard.from_counts(0, 0, 0)
    assert (summary.n, summary.index, summary.low, summary.high) == (0, 50.0, 0.0, 100.0)


def test_summarize_counts_raw_answers() -> None:
    answers = ["yes", "partly", "no", "yes", "yes"]
    assert heard.count_answers(answers) == HeardCounts(3, 1, 1)
    assert heard.summarize(answers) == heard.from_counts(3, 1, 1)


def test_unknown_answers_and_negative_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown heard answer 'maybe'"):
        heard.summarize(["yes", "maybe"])
    with pytest.raises(ValueError, match="negative"):
        heard.from_counts(1, -1, 0)


def test_text_not_heard_is_a_wilson_proportion_matching_the_hand_computation() -> None:
    # 14 of 200 answers: p = 0.07, z = 1.959964, z² = 3.841459.
    # centre = (0.07 + 3.841459/400) / (1 + 3.841459/200) = 0.078103;
    # half = 1.959964 / 1.019207 × sqrt(0.07 × 0.93 / 200 + 3.841459 / 160000) = 0.035951.
    share = heard.text_not_heard(200, 14)
    assert (share.count, share.n, share.share) == (14, 200, 0.07)
    assert share.low == pytest.approx(0.042152, abs=1e-5)
    assert share.high == pytest.approx(0.114055, abs=1e-5)


def test_text_not_heard_of_no_texts_is_the_whole_range() -> None:
    share = heard.text_not_heard(0, 0)
    assert (share.share, share.low, share.high) == (0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    ("texts", "not_heard", "message"),
    [(10, 11, "cannot exceed texts"), (-1, 0, "cannot be negative"), (5, -2, "cannot be neg")],
)
def test_text_not_heard_rejects_impossible_counts(texts: int, not_heard: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        heard.text_not_heard(texts, not_heard)


def test_the_report_puts_the_question_beside_the_text() -> None:
    result = heard.report(60, 30, 10, texts=200, not_heard=14)
    assert result.question == heard.from_counts(60, 30, 10)
    assert result.text_not_heard == heard.text_not_heard(200, 14)


def test_count_not_heard_reads_free_text_in_both_languages() -> None:
    texts = ["Nobody listened to me", "Me ignoraron", "Great service", "I felt heard", ""]
    assert heard.count_not_heard(texts) == 2
    assert heard.count_not_heard(texts, ["en", "en", "en", "en", None]) == 1
