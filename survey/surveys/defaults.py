"""The default survey as shipped: plain data, read by its setup service and its migration.

No model import here: the data migration that creates the survey on ``survey db upgrade``
reads these values without loading the app's models (which follow later revisions).
"""

from __future__ import annotations

from typing import Any

DEFAULT_SURVEY_SLUG = "after-support"
DEFAULT_SURVEY_TITLE = {"en": "After support", "es": "Después de la atención"}
#: Touchpoint types that trigger the default survey.
DEFAULT_SURVEY_TRIGGERS = ["ticket_closed"]

#: The default survey, "After support / Después de la atención": key, kind, required, prompt,
#: options. Spanish uses "usted", which reads well in Spain and in Latin America.
DEFAULT_QUESTIONS: list[tuple[str, str, bool, dict[str, str], dict[str, Any]]] = [
    (
        "nps",
        "nps",
        True,
        {
            "en": "How likely are you to recommend us to a friend or colleague?",
            "es": "¿Qué probabilidad hay de que nos recomiende a un amigo o a un colega?",
        },
        {
            "low": {"en": "Not at all likely", "es": "Nada probable"},
            "high": {"en": "Extremely likely", "es": "Muy probable"},
        },
    ),
    (
        "ces",
        "ces",
        False,
        {
            "en": "The company made it easy for me to handle my issue.",
            "es": "La empresa me facilitó resolver mi consulta.",
        },
        {
            "low": {"en": "Strongly disagree", "es": "Totalmente en desacuerdo"},
            "high": {"en": "Strongly agree", "es": "Totalmente de acuerdo"},
        },
    ),
    (
        "heard",
        "heard",
        False,
        {"en": "Did you feel heard?", "es": "¿Sintió que le escuchamos?"},
        {
            "choices": [
                {"value": "yes", "label": {"en": "Yes", "es": "Sí"}},
                {"value": "partly", "label": {"en": "Partly", "es": "En parte"}},
                {"value": "no", "label": {"en": "No", "es": "No"}},
            ]
        },
    ),
    (
        "comment",
        "text",
        False,
        {
            "en": "What could we have done better?",
            "es": "¿Qué podríamos haber hecho mejor?",
        },
        {},
    ),
]
