"""Language detection: English or Spanish; the survey's language when an answer is too short."""

from __future__ import annotations

import pytest

from analysis import language
from analysis.language import SHORT_ANSWER_WORDS, UNDETERMINED, detect, detect_many


@pytest.mark.parametrize(
    "text",
    [
        "The agent solved my problem in five minutes",
        "I waited two weeks for a refund and nobody answered my emails",
        "Great service, friendly staff",
        "Terrible experience",
    ],
)
def test_english_answers_are_english(text: str) -> None:
    assert detect(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "El agente resolvió mi problema en cinco minutos",
        "Esperé dos semanas el reembolso y nadie contestó mis correos",
        "Excelente atención, rapidez increíble",
        "Pésima experiencia",
    ],
)
def test_spanish_answers_are_spanish(text: str) -> None:
    assert detect(text) == "es"


@pytest.mark.parametrize("text", ["ok", "Great", "muy bien", "no gracias"])
def test_short_answers_take_the_surveys_language(text: str) -> None:
    assert len(text.split()) <= SHORT_ANSWER_WORDS
    assert detect(text, fallback="es") == "es"
    assert detect(text, fallback="en") == "en"


def test_longer_answers_ignore_the_fallback() -> None:
    assert detect("the delivery was late again", fallback="es") == "en"
    assert detect("el envío llegó tarde otra vez", fallback="en") == "es"


@pytest.mark.parametrize("text", ["", "   ", "10/10", "👍👍", ":-)", "5"])
def test_answers_without_letters_are_undetermined_or_the_fallback(text: str) -> None:
    assert detect(text) == UNDETERMINED
    assert detect(text, fallback="es") == "es"


def test_short_answers_without_fallback_are_still_detected() -> None:
    assert detect("gracias") == "es"
    assert detect("thanks") == "en"


def test_unsupported_fallback_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        detect("bonjour tout le monde", fallback="fr")


def test_function_words_settle_the_language_without_lingua(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lingua() -> None:
        raise AssertionError("lingua should not be needed")

    monkeypatch.setattr(language, "_detector", no_lingua)
    assert detect("the room was clean and the staff was kind") == "en"
    assert detect("la habitación estaba limpia y el personal fue amable") == "es"


def test_mixed_answers_go_to_lingua(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = language._detector()

    class Spy:
        def detect_language_of(self, text: str) -> object:
            asked.append(text)
            return real.detect_language_of(text)

    monkeypatch.setattr(language, "_detector", lambda: Spy())
    detect("el hotel was great and the staff muy amable")
    detect("Excelente atención")
    assert asked == ["el hotel was great and the staff muy amable", "Excelente atención"]


def test_detect_many_keeps_order() -> None:
    texts = ["the app crashes", "la app se cierra", "", "ok"]
    assert detect_many(texts, fallback="es") == ["en", "es", "es", "es"]
    assert detect_many(texts) == [detect(t) for t in texts]
