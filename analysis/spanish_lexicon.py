"""Score Spanish text with a small hand-written lexicon that understands negation.

The naive Bayes model in `spanish_model` learned from restaurant and hotel reviews: it knows
"cucarachas" and "plaza mayor" but reads "me ayudaron mucho" as negative and cannot see that
"no" turns "me ayudaron" around. This scorer is its complement: about a thousand words and a
hundred phrases of customer-service Spanish, written for Heard (not learned from any
labeled data), scored the way VADER scores English:

* each known word or phrase ("a la primera", "sigo esperando", "me dieron largas") has a valence
  from -4 to +4; a phrase counts as one word;
* "muy", "súper", "demasiado"... strengthen the next sentiment word; "poco" weakens and turns it
  ("poco amable" is unkind), and turns the word just before it too ("esperé muy poco");
* "no", "nunca", "jamás", "tampoco", "ni", "sin", "nadie", "nada", "cero", "sigo sin"... turn the
  sentiment words of the next three tokens (up to punctuation), so "no me ayudaron" is negative
  and "sin problemas" or "no tuve que esperar" positive; Spanish double negatives ("no me ayudó
  nadie", "no estuvo nada mal", "no tienen ni idea") keep one turn;
* a problem that gets solved is not a complaint: "resolvieron mi problema" counts the solving,
  not the problem;
* after "pero" / "aunque" the clause counts 1.5 times and the one before it half.

Words and phrases are matched with and without accents ("pésimo" and "pesimo").
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from typing import NamedTuple

from analysis.spelling import NearMisses

# Valence of each word form. Adjectives are given in the masculine singular and marked with
# "~": their feminine and plural forms are generated ("amable~" gives "amables"); in a phrase
# the "~" inflects its last word. Lines starting with "#" are comments.
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
# Customer-service Spanish. A phrase is written with "_" between its words ("a_la_primera"),
# matches with or without accents, and counts as one word; "*" stands for any one word.
2.6 un_encanto encanto un_amor buena_onda chévere chéveres majo~ de_lujo todo_un_detalle
2.6 qué_detalle buen_detalle nada_que_mejorar nada_que_objetar nada_que_reprochar de_primera
2.2 arreglaron arregló arreglar arreglado~ corrigieron corrigió corregido~ aclararon aclaró
2.2 aclarado~ solucionan resuelven empatía una_sola_llamada hicieron_caso hizo_caso
2.0 les_importa le_importa les_importaba les_importó les_importamos
2.0 respeto trato_cercano muy_cercano~ guiaron guió orientaron orientó funcionando
2.0 compensación compensaron compensó de_lo_que_esperaba primera_llamada primer_intento
1.6 enseguida en_seguida al_momento al_instante al_toque de_inmediato inmediatamente
1.6 me_llamaron me_devolvieron_la_llamada me_contestaron me_respondieron me_escribieron
1.6 rápidamente a_la_primera al_primer_tono en_el_acto en_un_santiamén en_un_periquete
1.6 antes_de_lo_previsto antes_de_lo_prometido antes_de_lo_esperado antes_de_tiempo
1.6 escuchar escucharme escuchan escuchó escuchaba comprendieron comprendió detallaron
1.2 informado~ devuelto~ atendido~ contesta explicar explicarme explicado~ regresaron
1.2 reintegro reintegraron avisar aviso no_tuve_que no_tuvimos_que no_hizo_falta sin_tener_que
1.2 no_hubo_que no_hubo_necesidad_de
1.0 importa importaba importó
0 no_esperaba no_me_esperaba no_solo no_sólo no_solamente no_únicamente de_primera_mano
0 la_tarde por_la_tarde esta_tarde buenas_tardes misma_tarde esa_tarde una_tarde cada_tarde
0 otra_tarde por_completo
# Plain statements of leaving or of being ignored: no sentiment word, but a clear verdict.
-2.4 darme_de_baja dar_de_baja me_doy_de_baja me_di_de_baja me_daré_de_baja darnos_de_baja
-2.4 me_cambio_de_* me_cambié_de_* me_voy_a_cambiar me_voy_a_la_competencia no_vuelvo
-2.4 no_volveré_a no_vuelvo_a no_pienso_volver un_número_más como_un_número me_voy_de
-2.4 otra_compañía otro_operador otra_empresa otra_operadora
-1.6 me_voy para_nada sigue_igual sigo_igual siguen_igual seguimos_igual igual_que_antes
2.0 me_devolvieron me_devolvieron_el_dinero devolvieron_el_dinero me_reembolsaron
1.2 reembolso recibí recibimos
-0.8 mejorar
-1.0 todavía_no aún_no cobraron cobró duplicado~ guion guión a_la_primera_de_cambio
-1.2 sigo_sin sigue_sin seguimos_sin siguen_sin trámite trámites pega pegas contratiempo~
-1.2 volver_a_llamar volver_a_escribir volver_a_explicar tres_veces cuatro_veces cinco_veces
-1.2 seis_veces mil_veces colas seco~
-1.6 sigo_esperando sigue_esperando seguimos_esperando siguen_esperando todavía_espero
-1.6 hicieron_esperar hizo_esperar aún_espero esperar esperarme tardar tardando tardado
-1.6 complicación complicaciones
-1.6 inconveniente~ excusa excusas papeleo indebido~ rayado~ colgado~ cuelga cortaron cortó
-1.6 lío líos larguísimo~ robótico~ respuesta_automática respuestas_automáticas de_más
-2.0 sin_respuesta ninguna_respuesta ni_respuesta ni_caso ni_idea una_pared de_un_*_a_otro
-2.0 de_una_*_a_otra de_un_lado_a_otro de_aquí_para_allá interrumpían interrumpieron
-2.0 interrumpía interrumpió eternidad eterno~ mareado~ marearon dieron_largas dan_largas
-2.0 dando_largas vaya_tela burocracia burocrático~ nunca_más dejaron_tirado~ se_rieron
-2.0 no_sirve no_sirvió no_sirven no_servía estropeó estropearon estropeado~ hicieron_perder
-2.0 perder_el_tiempo perdí_el_tiempo
-2.0 sin_conexión sin_internet sin_línea sin_servicio sin_señal sin_luz sin_agua sin_red
-2.0 sin_wifi sin_cobertura sin_teléfono
-2.0 sigo_sin_conexión sigo_sin_internet sigo_sin_línea sigo_sin_servicio sigo_sin_señal
-2.0 sigo_sin_luz sigo_sin_wifi sigo_sin_cobertura sigue_sin_conexión sigue_sin_internet
-2.0 sigue_sin_línea sigue_sin_servicio sigue_sin_señal sigue_sin_luz sigue_sin_wifi
-2.0 sigue_sin_cobertura seguimos_sin_conexión seguimos_sin_internet seguimos_sin_línea
-2.0 seguimos_sin_servicio seguimos_sin_señal seguimos_sin_luz seguimos_sin_wifi
-2.0 seguimos_sin_cobertura siguen_sin_conexión siguen_sin_internet siguen_sin_línea
-2.0 siguen_sin_servicio siguen_sin_señal siguen_sin_luz siguen_sin_wifi siguen_sin_cobertura
-2.0 todavía_sin_conexión todavía_sin_internet todavía_sin_línea todavía_sin_servicio
-2.0 todavía_sin_señal todavía_sin_luz todavía_sin_wifi todavía_sin_cobertura aún_sin_conexión
-2.0 aún_sin_internet aún_sin_línea aún_sin_servicio aún_sin_señal aún_sin_luz aún_sin_wifi
-2.0 aún_sin_cobertura
-2.4 de_mala_gana de_malas_maneras de_malos_modos malas_maneras
-2.6 calvario odisea tomadura_de_pelo prepotente~ prepotencia irrespetuoso~ gritaron gritó
-2.6 gritos burlaron burló lentísimo~ falta_de_respeto pérdida_de_tiempo un_pimiento un_bledo
-2.6 un_comino
-3.2 😡 😠 🤬 😞 😢 😭 👎 😤 💩 😒 🙄 ☹️ ☹ 😣 😖 😫 😩 :( :-(
2.4 😀 😃 😄 😁 😊 🙂 😍 🥰 👍 👌 ❤️ ❤ ♥ 💯 👏 🤩 😘 ⭐ 🌟 :) :-) :d
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(word.replace("_", " ") for word in text.split())


# Words that turn the sentiment of the sentiment words among the next _SCOPE tokens.
_NEGATORS = _words(
    """
    no nunca jamás jamas tampoco ni sin nadie nada ningún ningun ninguno ninguna cero
    sigo_sin sigue_sin seguimos_sin siguen_sin todavía_no todavia_no aún_no aun_no nunca_más
    nunca_mas no_tuve_que no_tuvimos_que no_hizo_falta sin_tener_que no_hubo_que
    no_hubo_necesidad_de
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
_DOWNTONERS = frozenset(("poco", "poca", "pocos", "pocas", "poquísimo", "poquito"))
_MODIFIERS = _DOWNTONERS | _BOOSTERS.keys()
_CONTRAST = frozenset(("pero", "aunque", "sino", "embargo"))
# Words that do not use up a negation's reach: "nadie sabe darme una solución".
_FILLERS = _words("el la los las un una unos unas lo le les me te se nos mi mis tu tus su sus")
# "resolvieron mi problema": within _SCOPE tokens of one of these, a trouble word is what got
# solved, not a complaint.
_RESOLVERS = _words(
    """
    solucionado solucionada solucionados solucionadas solucionaron solucionó solucionar
    solucionan solución resuelto resuelta resueltos resueltas resolvieron resolvió resolver
    resuelven arreglaron arregló arreglar arreglado arreglada arreglados arregladas corrigieron
    corrigió corregido corregida aclararon aclaró aclarado aclarada
    """
)
_TROUBLES = _words(
    """
    problema problemas incidencia incidencias fallo fallos falla error errores avería averías
    inconveniente inconvenientes queja quejas reclamación reclamaciones reclamo reclamos
    """
)

_SCOPE = 3
_NEGATION_SCALE = -0.74  # VADER's factor: "not good" is less bad than "bad" is bad.
_DOWNTONER_SCALE = -0.5  # "poco amable" is unkind, mildly; so is "me gustó poco".
_SLIGHTLY = 0.5  # "un poco lento" is a bit slow.
_BEFORE_CONTRAST = 0.5
_AFTER_CONTRAST = 1.5
_NORMALISER = 15.0  # VADER's alpha: score / sqrt(score**2 + alpha) maps onto -1...1.

_TOKEN = re.compile(
    r"[^\W\d_]+|100%|:-?[()d]|[.,;:!?¡¿()]|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50]\ufe0f?"
)
_CLAUSE_END = frozenset(".,;:!?¡¿()")
_WILDCARD = "*"


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


def _forms(entry: str) -> list[str]:
    """Return the word forms (or space-separated phrases) one table entry stands for."""
    if not entry.endswith("~"):
        return [entry.replace("_", " ")]
    *first, last = entry[:-1].split("_")
    return [" ".join([*first, form]) for form in _inflections(last)]


@cache
def _table() -> dict[str, float]:
    """Return word form (or phrase, words separated by spaces) -> valence, as spelled above."""
    valences: dict[str, float] = {}
    for line in _WORDS.strip().splitlines():
        if line.startswith("#"):
            continue
        valence, *entries = line.split()
        for entry in entries:
            for form in _forms(entry):
                valences.setdefault(form, float(valence))
    return valences


@cache
def lexicon() -> dict[str, float]:
    """Return word form (or phrase, words separated by spaces) -> valence, accentless too."""
    valences = dict(_table())
    for form, value in _table().items():
        valences.setdefault(_strip_accents(form), value)
    return valences


# A phrase's words after its first, each as the set of spellings it matches (None: any word).
_PhraseRest = tuple[frozenset[str] | None, ...]


class _PhraseStart(NamedTuple):
    """The phrases that begin with one word."""

    #: every spelling of their second words (None if one of them is "*"): a quick first test
    seconds: frozenset[str] | None
    #: (phrase, its other words), longest and most literal first
    candidates: list[tuple[str, _PhraseRest]]


@cache
def _phrases() -> dict[str, _PhraseStart]:
    """Return first word (each spelling) -> the phrases that begin with it."""
    grouped: dict[str, list[tuple[str, _PhraseRest]]] = {}
    for phrase in (*_table(), *_NEGATORS):
        first, *others = phrase.split()
        if not others:
            continue
        rest = tuple(
            None if word == _WILDCARD else frozenset((word, _strip_accents(word)))
            for word in others
        )
        for spelling in {first, _strip_accents(first)}:
            grouped.setdefault(spelling, []).append((phrase, rest))
    index = {}
    for first, candidates in grouped.items():
        candidates.sort(key=lambda candidate: (-len(candidate[1]), None in candidate[1]))
        seconds = [rest[0] for _, rest in candidates]
        any_second = any(forms is None for forms in seconds)
        index[first] = _PhraseStart(
            None if any_second else frozenset().union(*(f for f in seconds if f is not None)),
            candidates,
        )
    return index


def _merge_phrases(tokens: list[str]) -> list[str]:
    """Return `tokens` with each known phrase joined into one token ("a la primera")."""
    index = _phrases()
    merged: list[str] = []
    position, count = 0, len(tokens)
    while position < count:
        token = tokens[position]
        start = index.get(token)
        if (
            start is not None
            and position + 1 < count
            and (start.seconds is None or tokens[position + 1] in start.seconds)
        ):
            token, position = _match_phrase(tokens, position, start.candidates)
            merged.append(token)
            continue
        merged.append(token)
        position += 1
    return merged


def _match_phrase(
    tokens: list[str], position: int, candidates: list[tuple[str, _PhraseRest]]
) -> tuple[str, int]:
    """Return the phrase (or the lone word) at `position` and the position after it."""
    for phrase, rest in candidates:
        end = position + 1 + len(rest)
        if end > len(tokens):
            continue
        for word, forms in zip(tokens[position + 1 : end], rest, strict=True):
            if (forms is None and not word.isalpha()) or (forms is not None and word not in forms):
                break
        else:
            return phrase, end
    return tokens[position], position + 1


@cache
def _concord() -> frozenset[str]:
    """Return the phrases that hold their own negation ("ni caso", "sin respuesta").

    Spanish negatives agree rather than cancel, so "no tienen ni idea" is as negative as "ni
    idea": a negation before such a phrase does not turn it again.
    """
    single = {word for word in _NEGATORS if " " not in word}
    return frozenset(
        phrase
        for phrase in (*_table(), *_NEGATORS)
        if " " in phrase and any(word in single for word in phrase.split())
    )


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


class _Reading:
    """What `score` knows at one point of a text, token by token."""

    __slots__ = (
        "boost",
        "clause",
        "earlier",
        "last_at",
        "last_value",
        "negated",
        "negated_for",
        "position",
        "previous",
        "resolver_at",
        "trouble_at",
        "trouble_value",
        "weight",
    )

    def __init__(self) -> None:
        self.earlier = 0.0  # clauses before the last "pero", already weighted
        self.clause = 0.0
        self.weight = 1.0
        self.negated_for = 0  # tokens left in the current negation scope
        self.boost = 1.0
        self.previous = ""
        self.negated: list[str] = []
        self.position = 0
        self.last_value = 0.0  # the last sentiment word's contribution, and where it was
        self.last_at = -10
        self.trouble_value = 0.0  # the last trouble word's contribution, and where it was
        self.trouble_at = -10
        self.resolver_at = -10

    def sentiment_word(self, token: str, value: float) -> None:
        if token in _TROUBLES and self.position - self.resolver_at <= _SCOPE:
            value = 0.0  # "resolvieron mi problema": the problem is what they solved
        turned = False
        if self.negated_for:
            self.negated_for -= 1
            if value and token not in _concord():
                value *= _NEGATION_SCALE
                self.negated.append(token)
                turned = True
        value *= self.boost
        self.clause += value
        self.boost = 1.0
        self.last_value, self.last_at = value, self.position
        if token in _TROUBLES:
            self.trouble_value, self.trouble_at = value, self.position
        elif token in _RESOLVERS:
            self._resolve(turned)
        if token in _NEGATORS:  # "sigo sin", "nunca más": sentiment and negation at once
            self.negated_for = _SCOPE

    def _resolve(self, turned: bool) -> None:
        if not turned and self.position - self.trouble_at <= _SCOPE:
            # "el problema lo resolvieron enseguida": take the problem back.
            self.clause -= self.trouble_value
            self.trouble_at = -10
        self.resolver_at = self.position

    def clause_end(self) -> None:
        self.negated_for, self.boost = 0, 1.0
        self.last_at = self.trouble_at = self.resolver_at = -10

    def contrast(self) -> None:
        self.earlier = (self.earlier + self.clause * self.weight) * _BEFORE_CONTRAST
        self.clause, self.weight = 0.0, _AFTER_CONTRAST
        self.clause_end()

    def other_word(self, token: str) -> None:
        if token in _DOWNTONERS and self._follows_sentiment_word():
            # "esperé muy poco", "me gustó poco": "poco" turns the word before it.
            self.clause += self.last_value * (_DOWNTONER_SCALE - 1.0)
            self.last_at, self.boost = -10, 1.0
        elif token in _BOOSTERS or token in _DOWNTONERS:
            self.boost *= _modifier(token, self.previous)
        else:
            self.boost = 1.0
        if self.negated_for and token not in _FILLERS:
            self.negated_for -= 1

    def _follows_sentiment_word(self) -> bool:
        gap = self.position - self.last_at
        return gap == 1 or (gap == 2 and self.previous in _BOOSTERS)

    def total(self) -> LexiconScore:
        return LexiconScore(self.earlier + self.clause * self.weight, tuple(self.negated))


def score(text: str) -> LexiconScore:
    """Return the lexicon score of `text` and the words a negation turned."""
    valences = lexicon()
    reading = _Reading()
    for token in _merge_phrases(_TOKEN.findall(text.lower())):
        value = valences.get(token)
        if value is not None:
            reading.sentiment_word(token, value)
        elif token in _CLAUSE_END:
            reading.clause_end()
        elif token in _CONTRAST:
            reading.contrast()
        elif token in _NEGATORS:
            # Spanish negatives agree rather than cancel: "no me ayudó nadie" is one "no".
            reading.negated_for = _SCOPE
        elif reading.negated_for or token in _MODIFIERS:
            reading.other_word(token)
        else:
            reading.boost = 1.0  # most words: nothing to strengthen any more
        reading.previous = token
        reading.position += 1
    return reading.total()


def raw_score(text: str) -> float:
    """Return the unbounded lexicon score of `text`: the sum of its turned, boosted valences."""
    return score(text).raw


def _modifier(token: str, previous: str) -> float:
    """Return how much `token` scales the next sentiment word (1.0 for most words)."""
    if token in _DOWNTONERS:
        # "un poco lento" is a bit slow; "poco amable" is unkind.
        return _SLIGHTLY if previous in ("un", "una") else _DOWNTONER_SCALE
    return _BOOSTERS.get(token, 1.0)


def polarity(text: str) -> float:
    """Return the lexicon polarity of Spanish `text` from -1 (negative) to 1 (positive)."""
    return score(text).polarity


#: Words at least this strong are what a misspelt word is corrected to ("pesimo", "exelente").
_STRONG_VALENCE = 1.5


@cache
def near_misses() -> NearMisses:
    """Return the corrector towards strong Spanish sentiment words ("desastrozo")."""
    return NearMisses(lexicon(), strong=_STRONG_VALENCE)
