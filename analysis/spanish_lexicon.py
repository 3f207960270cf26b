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
2.2 profesional~ competente~ ágil~ veloz~ fácil~ sencillo~ intuitivo~ claro~ útil~
2.2 solucionado~ solucionaron solucionó solucionar solución soluciones resuelto~ resolvieron
2.2 resolvió resolver fiable~ confiable~ honesto~ seguro~ agradable~ bonito~ lindo~ bello~
2.2 sabroso~ rico~ tranquilo~ cumplió cumplieron cumplen cumple cumplido ayudaron ayudó
2.0 bien mejor mejores óptimo~ genuino~ justo~ razonable~ económico~ barato~ práctico~
2.0 amplio~ espacioso~ moderno~ variado~ abundante~ cálido~ dispuesto~ accesible~ éxito
2.0 ayudan ayuda ayudado ayudar ayudarme ayudaría funciona funcionó funcionan funcionaba
2.0 correcto~ adecuado~ completo~ paciencia volveré volveremos volvería volveríamos
2.0 volver repetiría repetiremos repetir contentísimo~ escuchado~ escucharon valorado~
1.2 calidad fresco~ suficiente~ aceptable~ ok okey vale cumplir
-1.0 regular~ esperando normalito~ justito~ pasable~ mejorable~ flojo~ flojito~
-1.6 tarde tardan tardaron tardó tardaba tarda tardanza demora demoras demoran demoraron
-1.6 espera esperas esperé esperamos caro~ costoso~ complicado~ confuso~ difícil~ frío~
-1.6 problema problemas incidencia incidencias falta faltan faltaba faltó ruido ruidos
-1.6 ruidoso~ incómodo~ aburrido~ cansado~ preocupado~ insuficiente~ incorrecto~ equivocado~
-1.6 lamentablemente desgraciadamente desafortunadamente cancelaron canceló cancelado~ cobran
-2.0 mal malo~ lento~ lentitud peor peores error errores fallo fallos falla fallan falló
-2.0 fallaron retraso retrasos retrasado~ roto~ rompió averiado~ avería averías queja quejas
-2.0 reclamación reclamaciones reclamo reclamos molesto~ molestia molestias triste~ injusto~
-2.0 imposible~ mediocre~ carísimo~ sucio~ suciedad perdieron perdido~ perdí ignoraron
-2.0 ignoró ignorado~ colgaron colgó insatisfecho~ descontento~ harto~ estresado~ desatento~
-2.0 incumplieron incumplió incumplimiento defectuoso~ deficiente~ ineficiente~ ineficaz
-2.0 ineficaces caos decepciona
-2.6 enfadado~ enojado~ frustrado~ frustrante~ frustración molesta molestó irritante~
-2.6 desagradable~ antipático~ maleducado~ grosero~ borde bordes impresentable~ inútil~
-2.6 incompetente~ irresponsable~ inaceptable~ indignado~ indignante~ indignación
-2.6 mentira mentiras mintieron mintió odio odié abuso abusivo~ vergüenza vergonzoso~
-2.6 lamentable~ decepción decepcionado~ decepcionante~ decepcionó decepcionaron
-3.2 pésimo~ horrible~ terrible~ fatal fatales nefasto~ desastre desastroso~ deplorable~
-3.2 asqueroso~ asco estafa estafaron estafador~ timo fraude robo engaño engañaron
-3.2 engañado~ basura porquería cucaracha cucarachas pesadilla peorcito~ vergonzosa
-3.2 😡 😠 🤬 😞 😢 😭 👎 😤 💩 😒 🙄 ☹️ ☹ 😣 😖 😫 😩 :( :-(
2.4 😀 😃 😄 😁 😊 🙂 😍 🥰 👍 👌 ❤️ ❤ ♥ 💯 👏 🤩 😘 ⭐ 🌟 :) :-) :d
"""

# Words that turn the sentiment of what follows within the next _SCOPE tokens.
_NEGATORS = frozenset("no nunca jamás jamas tampoco ni sin nadie nada ningún ningun ninguno".split())
_NEGATORS |= frozenset(("ninguna", "ningunos", "ningunas"))
# After a negator these repeat the negation instead of cancelling it ("no me ayudó nadie").
_CONCORD = frozenset("nada nadie nunca jamás jamas ningún ningun ninguno ninguna ni tampoco".split())
_BOOSTERS = {
    word: 1.3
    for word in (
        "muy súper super re requete bastante realmente totalmente completamente absolutamente "
        "sumamente extremadamente demasiado tan tremendamente increíblemente verdaderamente "
        "muchísimo mucho enormemente altamente"
    ).split()
}
_BOOSTERS["bastante"] = 1.15
_BOOSTERS["algo"] = 0.7
_BOOSTERS["un"] = 1.0  # "un poco": "un" keeps "poco" a plain downtoner below.
_DOWNTONERS = frozenset(("poco", "poca", "pocos", "pocas"))
_CONTRAST = frozenset(("pero", "aunque", "sino", "embargo"))

_SCOPE = 3
_NEGATION_SCALE = -0.74  # VADER's factor: "not good" is less bad than "bad" is bad.
_DOWNTONER_SCALE = -0.5  # "poco amable" is unkind, mildly.
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
        value, *words = line.split()
        for word in words:
            forms = _inflections(word[:-1]) if word.endswith("~") else [word]
            for form in forms:
                valences.setdefault(form, float(value))
    for form, value in list(valences.items()):
        valences.setdefault(_strip_accents(form), value)
    return valences


def _normalise(score: float) -> float:
    return score / math.sqrt(score * score + _NORMALISER)


def raw_score(text: str) -> float:
    """Return the unbounded lexicon score of `text` (sum of turned, boosted valences)."""
    valences = lexicon()
    total = 0.0
    clause = 0.0
    negated_for = 0  # tokens left in the current negation scope
    boost = 1.0
    for token in _TOKEN.findall(text.lower()):
        if token in _CLAUSE_END:
            negated_for = 0
            boost = 1.0
            continue
        if token in _CONTRAST:
            total = (total + clause) * _BEFORE_CONTRAST
            clause = 0.0
            negated_for = 0
            boost = _AFTER_CONTRAST
            continue
        if token in _NEGATORS:
            if negated_for and token in _CONCORD:
                negated_for = _SCOPE
            else:
                negated_for = _SCOPE if not negated_for else 0
            continue
        value = valences.get(token)
        if value is None:
            if token in _DOWNTONERS:
                boost *= _DOWNTONER_SCALE
            else:
                boost *= _BOOSTERS.get(token, 1.0)
            if negated_for:
                negated_for -= 1
            continue
        if negated_for:
            value *= _NEGATION_SCALE
        clause += value * boost
        boost = 1.0 if boost != _AFTER_CONTRAST else _AFTER_CONTRAST
    return total + clause


def polarity(text: str) -> float:
    """Return the lexicon polarity of Spanish `text` from -1 (negative) to 1 (positive)."""
    return _normalise(raw_score(text))
