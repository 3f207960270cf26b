"""Clauses: answers cut at sentence punctuation and contrast words, the verdict weighted."""

from __future__ import annotations

import pytest

from analysis.clauses import AFTER_CONTRAST, BEFORE_CONTRAST, is_contrast_word, split_clauses


def texts(answer: str, language: str | None = None) -> list[str]:
    return [clause.text for clause in split_clauses(answer, language)]


def test_but_cuts_and_weights_the_verdict() -> None:
    first, second = split_clauses("The staff were lovely but the room was dirty")
    assert (first.text, first.weight, first.after_contrast) == (
        "The staff were lovely",
        BEFORE_CONTRAST,
        False,
    )
    assert (second.text, second.weight, second.after_contrast) == (
        "the room was dirty",
        AFTER_CONTRAST,
        True,
    )


def test_offsets_point_into_the_answer() -> None:
    answer = "Buen producto, pero la entrega tarde. ¡Sin embargo, me devolvieron el dinero!"
    for clause in split_clauses(answer):
        assert answer[clause.start : clause.end] == clause.text
    assert texts(answer) == ["Buen producto", "la entrega tarde", "me devolvieron el dinero"]


def test_sentence_punctuation_cuts_without_weighting() -> None:
    clauses = split_clauses("Fast delivery. Friendly staff! Would buy again?")
    assert [c.text for c in clauses] == ["Fast delivery", "Friendly staff", "Would buy again"]
    assert {c.weight for c in clauses} == {1.0}


def test_a_leading_concession_ends_at_its_comma() -> None:
    concession, verdict = split_clauses("Aunque el técnico fue amable, sigo sin internet")
    assert concession.text == "el técnico fue amable"
    assert concession.weight == BEFORE_CONTRAST
    assert (verdict.text, verdict.weight) == ("sigo sin internet", AFTER_CONTRAST)


def test_a_trailing_concession_does_not_outweigh_the_verdict() -> None:
    clauses = split_clauses("Great service although a bit slow")
    assert [c.weight for c in clauses] == [1.0, 1.0]


@pytest.mark.parametrize(
    "answer",
    [
        "Nothing but problems",
        "Not only fast but also cheap",
        "not fixed yet",
        "quiero mas velocidad",
        "El router ya funciona",
    ],
)
def test_words_that_are_not_contrast_here_do_not_cut(answer: str) -> None:
    assert texts(answer) == [answer]


def test_yet_and_mas_cut_after_a_comma() -> None:
    assert texts("They promised a call, yet nobody rang") == ["They promised a call", "nobody rang"]
    assert texts("Lo intenté, mas no pude") == ["Lo intenté", "no pude"]


def test_language_limits_the_contrast_words() -> None:
    assert texts("good but slow", "es") == ["good but slow"]
    assert texts("bueno pero lento", "en") == ["bueno pero lento"]
    assert texts("bueno pero lento") == ["bueno", "lento"]


def test_answers_without_words_have_no_clauses() -> None:
    assert split_clauses("") == []
    assert split_clauses(" ... !! ") == []


def test_is_contrast_word() -> None:
    assert is_contrast_word("But")
    assert is_contrast_word("Sin  Embargo", "es")
    assert is_contrast_word("however", "en")
    assert not is_contrast_word("pero", "en")
    assert not is_contrast_word("great")


def test_a_sentence_opening_with_a_contrast_overrides_the_one_before() -> None:
    clauses = split_clauses("El técnico fue simpático; sin embargo, sigo sin conexión")
    assert [(c.text, c.weight) for c in clauses] == [
        ("El técnico fue simpático", BEFORE_CONTRAST),
        ("sigo sin conexión", AFTER_CONTRAST),
    ]
