"""Score Spanish text with a small hand-written lexicon that understands negation.

The naive Bayes model in `spanish_model` learned from restaurant and hotel reviews: it knows
"cucarachas" and "plaza mayor" but reads "me ayudaron mucho" as negative and cannot see that
"no" turns "me ayudaron" around. This scorer is its complement: a few hundred words of
customer-service Spanish, written for Heard (not learned from any labeled data), scored the way
VADER scores English:

* each known word has a valence from -4 to +4;
* "muy", "súper", "demasiado"... strengthen the next sentiment word; "poco" weakens and turns it
  ("poco amable" is unkind);
* "no", "nunca", "jamás", "tampoco", "ni", "sin", "nadie", "nada" turn the sentiment words of
  the next three tokens (up to punctuation), so "no me ayudaron" is negative and "sin problemas"
  positive; Spanish double negatives ("no me ayudó nadie", "no estuvo nada mal") keep one turn;
* after "pero" / "aunque" the clause counts 1.5 times and the one before it half.

Words are matched with and without accents ("pésimo" and "pesimo").
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from typing import NamedTuple

# Valence of each word form. Adjectives are given in the masculine singular and marked with
# "~": their feminine and plural forms are generated ("amable~" gives "amables").
_WORDS = """
3.2 excelente~ excepcional~ extraordinario~ estupendo~ fantástico~ maravilloso~ magnífico~
3.2 espectacular~ impecable~ inmejorable~ sobresaliente~ buenísimo~ perfecto~ perfectamente
3.2 genial~ increíble~ insuperable~ fenomenal~ maravilla maravillas encantado~ encantadísimo~
3.0 encanta encantan encantó encantaron encantaba encantará encantaría encantadora encantadoras
3.0 encantador encantadores felicidades felicitaciones enhorabuena delicioso~ feliz felices
2.8 recomiendo recomendable~ recomendamos recomendaría recomendaríamos recomendado~ 100%
2.6 amable~ amabilísimo~ servicial~ atentísimo~ resolutivo~ satisfecho~ satisfechísimo~
2.6 contento~ agradecido~ agradecidísimo~ precioso~ hermoso~ brillante~ eficiente~ eficaz
2.6 eficaces profesionalidad profesionalismo amabilidad gusta gustó gustaron gustan gustaba
2.4 rápido~ rapidísimo~ rapidez eficiencia eficacia puntual~ puntualidad lujo placer
2.4 cómodo~ confortable~ acogedor~ acogedora acogedoras limpio~ limpísimo~ limpieza
2.4 bueno~ buen gracias agradezco agradecemos agradecer agradecimiento disfruté disfrutamos
2.4 disfrutar disfrutado superó superaron superado bravo top crack cracks ideal~
2.2 atento~ simpático~ cordial~ educado~ respetuoso~ paciente~ comprensivo~ cariñoso~
2.2 profesional~ competente~ ágil~ veloz~ fácil~ sencillo~ intuitivo~ útil~
2.2 solucionado~ solucionaron solucionó solucionar solución soluciones resuelto~ resolvieron
2.2 resolvió resolver fiable~ confiable~ honesto~ agradable~ bonito~ lindo~ bello~
2.2 sabroso~ rico~ tranquilo~ cumplió cumplieron cumplen cumple cumplido ayudaron ayudó
2.0 bien mejor mejores óptimo~ genuino~ justo~ razonable~ económico~ barato~ práctico~
2.0 amplio~ espacioso~ moderno~ variado~ abundante~ cálido~ dispuesto~ accesible~ éxito
2.0 ayudan ayuda ayudado ayudar ayudarme ayudaría funciona funcionó funcionan funcionaba
2.0 correcto~ adecuado~ completo~ paciencia volveré volveremos volvería volveríamos
2.0 volver repetiría repetiremos repetir contentísimo~ escuchado~ escucharon valorado~
1.2 contestaron contestó contestan contestar responden respondieron respondió responder
1.2 atendieron atendió atienden atender explicaron explicó explican informaron informó avisaron
1.2 avisó devolvieron devolvió llamaron llamó entienden entendieron entendió reembolsaron
1.2 claro~ calidad fresco~ suficiente~ aceptable~ ok okey vale cumplir
-1.0 tarde regular~ esperando normalito~ justito~ pasable~ mejorable~ flojo~ flojito~
-1.6 tardan tardaron tardó tardaba tarda tardanza demora demoras demoran demoraron
-1.6 espera esperas esperé caro~ costoso~ complicado~ confuso~ difícil~ frío~
-1.6 problema problemas incidencia incidencias falta faltan faltaba faltó ruido ruidos
-1.6 ruidoso~ incómodo~ aburrido~ cansado~ preocupado~ insuficiente~ incorrecto~ equivocado~
-1.6 lamentablemente desgraciadamente desafortunadamente cancelaron canceló cancelado~ cobran
-2.0 mal malo~ lento~ lentitud error errores fallo fallos falla fallan falló
-2.0 fallaron retraso retrasos retrasado~ roto~ rompió averiado~ avería averías queja quejas
-2.0 reclamación reclamaciones reclamo reclamos molesto~ molestia molestias triste~ injusto~
-2.0 imposible~ mediocre~ carísimo~ sucio~ suciedad perdieron perdido~ perdí ignoraron
-2.0 ignoró ignorado~ colgaron colgó insatisfecho~ descontento~ harto~ estresado~ desatento~
-2.0 incumplieron incumplió incumplimiento defectuoso~ deficiente~ ineficiente~ ineficaz
-2.0 ineficaces caos decepciona
-2.6 enfadado~ enojado~ frustrado~ frustrante~ frustración molesta molestó irritante~
-2.6 desagradable~ antipático~ maleducado~ grosero~ impresentable~ inútil~
-2.6 incompetente~ irresponsable~ inaceptable~ indignado~ indignante~ indignación
-2.6 peor peores mentira mentiras mintieron mintió odio odié abuso abusivo~ vergüenza vergonzoso~
-2.6 lamentable~ decepción decepcionado~ decepcionante~ decepcionó decepcionaron
-3.2 pésimo~ horrible~ terrible~ fatal fatales nefasto~ desastre desastroso~ deplorable~
-3.2 asqueroso~ asco estafa estafaron estafador~ timo fraude robo engaño engañaron
-3.2 engañado~ basura porquería cucaracha cucarachas pesadilla
-3.2 😡 😠 🤬 😞 😢 😭 👎 😤 💩 😒 🙄 ☹️ ☹ 😣 😖 😫 😩 :( :-(
2.4 😀 😃 😄 😁 😊 🙂 😍 🥰 👍 👌 ❤️ ❤ ♥ 💯 👏 🤩 😘 ⭐ 🌟 :) :-) :d
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that turn the sentiment of the sentiment words among the next _SCOPE tokens.
_NEGATORS = _words(
    """
    no nunca jamás jamas tampoco ni sin nadie nada ningún ningun ninguno ninguna
    """
)
_BOOSTERS = dict.fromkeys(
    _words(
        """
        muy súper super re requete realmente totalmente completamente absolutamente sumamente
        extremadamente demasiado tan tremendamente increíblemente verdaderamente muchísimo mucho
        enormemente altamente
        """
    ),
    1.3,
)
_BOOSTERS |= {"bastante": 1.15, "algo": 0.7}
_DOWNTONERS = frozenset(("poco", "poca", "pocos", "pocas"))
_CONTRAST = frozenset(("pero", "aunque", "sino", "embargo"))

_SCOPE = 3
_NEGATION_SCALE = -0.74  # VADER's factor: "not good" is less bad than "bad" is bad.
_DOWNTONER_SCALE = -0.5  # "poco amable" is unkind, mildly.
_SLIGHTLY = 0.5  # "un poco lento" is a bit slow.
_BEFORE_CONTRAST = 0.5
_AFTER_CONTRAST = 1.5
_NORMALISER = 15.0  # VADER's alpha: score / sqrt(score**2 + alpha) maps onto -1...1.

_TOKEN = re.compile(
    r"[^\W\d_]+|100%|:-?[()d]|[.,;:!?¡¿()]|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50]\ufe0f?"
)
_CLAUSE_END = frozenset(".,;:!?¡¿()")


def _inflections(adjective: str) -> list[str]:
    """Return the gender and number forms of a masculine singular adjective."""
    if adjective.endswith("o"):
        stem = adjective[:-1]
        return [adjective, stem + "a", stem + "os", stem + "as"]
    if adjective.endswith(("e", "í", "ú")):
        return [adjective, adjective + "s"]
    if adjective.endswith("z"):
        return [adjective, adjective[:-1] + "ces"]
    if adjective.endswith("l") or adjective.endswith("r"):
        return [adjective, adjective + "es"]
    return [adjective, adjective + "s"]


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    # Keep the tilde of ñ: "año" is not "ano".
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn" or c == "\u0303")
    return unicodedata.normalize("NFC", kept)


@cache
def lexicon() -> dict[str, float]:
    """Return word form -> valence, with accentless spellings added."""
    valences: dict[str, float] = {}
    for line in _WORDS.strip().splitlines():
        valence, *words = line.split()
        for word in words:
            forms = _inflections(word[:-1]) if word.endswith("~") else [word]
            for form in forms:
                valences.setdefault(form, float(valence))
    for form, value in list(valences.items()):
        valences.setdefault(_strip_accents(form), value)
    return valences


def _normalise(score: float) -> float:
    return score / math.sqrt(score * score + _NORMALISER)


class LexiconScore(NamedTuple):
    """The lexicon's reading of a text."""

    #: the unbounded sum of turned, boosted valences
    raw: float
    #: the sentiment words that a negation turned around, in order
    negated: tuple[str, ...]

    @property
    def polarity(self) -> float:
        """The raw score mapped onto -1...1."""
        return _normalise(self.raw)


def score(text: str) -> LexiconScore:
    """Return the lexicon score of `text` and the words a negation turned."""
    valences = lexicon()
    earlier = 0.0  # clauses before the last "pero", already weighted
    clause = 0.0
    weight = 1.0
    negated_for = 0  # tokens left in the current negation scope
    boost = 1.0
    previous = ""
    negated: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        value = valences.get(token)
        if value is not None:
            if negated_for:
                value *= _NEGATION_SCALE
                negated_for -= 1
                negated.append(token)
            clause += value * boost
            boost = 1.0
        elif token in _CLAUSE_END:
            negated_for, boost = 0, 1.0
        elif token in _CONTRAST:
            earlier = (earlier + clause * weight) * _BEFORE_CONTRAST
            clause, weight = 0.0, _AFTER_CONTRAST
            negated_for, boost = 0, 1.0
        elif token in _NEGATORS:
            # Spanish negatives agree rather than cancel: "no me ayudó nadie" is one "no".
            negated_for = _SCOPE
        else:
            boost = boost * _modifier(token, previous) if _is_modifier(token) else 1.0
            if negated_for:
                negated_for -= 1
        previous = token
    return LexiconScore(earlier + clause * weight, tuple(negated))


def raw_score(text: str) -> float:
    """Return the unbounded lexicon score of `text`: the sum of its turned, boosted valences."""
    return score(text).raw


def _is_modifier(token: str) -> bool:
    return token in _BOOSTERS or token in _DOWNTONERS


def _modifier(token: str, previous: str) -> float:
    """Return how much `token` scales the next sentiment word (1.0 for most words)."""
    if token in _DOWNTONERS:
        # "un poco lento" is a bit slow; "poco amable" is unkind.
        return _SLIGHTLY if previous in ("un", "una") else _DOWNTONER_SCALE
    return _BOOSTERS.get(token, 1.0)


def polarity(text: str) -> float:
    """Return the lexicon polarity of Spanish `text` from -1 (negative) to 1 (positive)."""
    return score(text).polarity
