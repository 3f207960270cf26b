"""Statements that matter in a free-text answer: churn, not heard, repeat contact, praise.

    >>> sorted(map(str, detect("Third time I call, still not fixed. I'm switching")))
    ['churn', 'repeat_contact']
    >>> sorted(map(str, detect("No me voy a dar de baja, el técnico fue muy amable")))
    ['praise_person']

Transparent phrase rules, English and Spanish, no model: every rule is a regular expression in
this module, so "why was this flagged?" has a one-line answer. Text is lower-cased and
accent-folded first ("escuchó" and "escucho" match alike).

Negation: a match is dropped when a negation word ("not", "won't", "never", "no", "nunca",
"ni", "sin", ...) comes just before it, with only small words between them ("I'm **not** going
to cancel", "**no** me voy a dar de baja", "I have **no** plans to switch"). Punctuation or any
other word ends the search, so "si no lo arreglan, me doy de baja" stays churn. Phrases that
carry their own negation ("nobody listened", "no vuelvo a comprar") are written as such. "If" /
"si" right before a statement make it hypothetical ("si vuelve a pasar"), and "almost" / "casi"
/ "estuve a punto de" counterfactual: neither counts.

Language: "en" or "es" runs that language's rules only (analyze_many passes each answer's
detected language); None, "und" or any other code runs both, since an answer may mix them.
Names written with a capital ("Thanks Jamal", "switching to Virgin Media") are read on the text
as written, whatever the language.

What each statement means (the labelled set in tests/analysis/data follows these definitions):

``churn``
    The customer says they are leaving, have left, want to cancel their account, contract or
    subscription, or will not buy again, threats included ("if this is not fixed I'll cancel").
    Cancelling an order, a charge or a flight is not churn; nor is "I almost left".
``not_heard``
    They say they were ignored, not listened to, not taken seriously, treated as a number, hung
    up on, or that their messages went unanswered.
``repeat_contact``
    They had to get in touch more than once, or the problem is still not solved / they are still
    waiting: effort that a single contact should have saved.
``praise_person``
    A person is praised by name or role ("Ana was great", "el técnico fue muy amable", "thanks
    to the driver"); praise of the product or of "the service" is not.

Names are recognised from a list of common English and Spanish first names (`FIRST_NAMES`);
names that are also ordinary words ("Grace", "Rosa", "Luz") are left out of it.

How well: on answers in wording the rules have not seen, a flag is right 9 times in 10 or more,
but only 4 to 7 statements in 10 are found (benchmarks/bench_intents.py; docs/analysis.md). A
flag finds answers worth reading; its absence proves nothing.

Speed: compiled on first use (`warm_up`), then about 20,000 answers a second on one core; a
word gate skips the rules of a statement when none of its trigger words is in the answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final


class Intent(StrEnum):
    """A statement in an answer that a CX team acts on."""

    CHURN = "churn"
    NOT_HEARD = "not_heard"
    REPEAT_CONTACT = "repeat_contact"
    PRAISE_PERSON = "praise_person"


#: Languages with rules; any other language (None, "und") runs the rules of every language.
RULE_LANGUAGES: Final = ("en", "es")

_FOLD: Final = str.maketrans(
    "áàâäãéèêëíìîïóòôöõúùûüñç’‘´`",
    "aaaaaeeeeiiiiooooouuuunc''''",
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Common first names (folded), English and Spanish; none that is also an everyday word.
FIRST_NAMES: Final = _words(
    # English
    "aaron adam adrian ahmed aisha alan albert alex alexander alice alison allan amanda amber "
    "amy andrew andy angela anna anne annie anthony antonio arthur ashley barbara ben benjamin "
    "beth betty brandon brenda brian bruce carl carol caroline catherine charles charlie "
    "charlotte chloe chris christina christine christopher claire craig cynthia dan daniel "
    "danielle darren dave david deborah debbie dennis derek diana diane donna dorothy doug "
    "douglas dylan ed edward eileen elizabeth ellie emily emma eric ethan evelyn fatima fiona "
    "gary gemma george gordon graham greg gregory hannah harry heather helen henry holly ian "
    "isabel jack jacob jake james jamie jane janet jason jeff jennifer jenny jeremy jessica "
    "jill jim jo joan joe john jonathan jordan joseph josh joshua judy julia julie justin karen "
    "kate katherine kathy katie keith kelly ken kenneth kevin kim kimberly kyle larry laura "
    "lauren leah lee linda lisa liz louise lucy luke lynn margaret maria marie martin mary "
    "matt matthew megan melissa michael michelle mike mohammed muhammad nancy natalie nathan "
    "neil nicola nicole oliver olivia pamela paul peter philip phil priya rachel raj rebecca "
    "richard rick robert roger ronald ryan sam samantha samuel sandra sarah scott sean sharon "
    "simon sophie stacy stephanie stephen steve steven stuart susan tanya thomas tim timothy "
    "tina tom tony tracy vanessa victoria vincent wayne william zoe "
    # Spanish
    "abel adriana agustin alba alberto alejandra alejandro alfonso alfredo alicia alvaro ana "
    "andrea andres antonia araceli ariadna arturo beatriz belen benito bernardo camila carla "
    "carlos carmen carolina catalina cecilia celia cesar cristian cristina daniela diego "
    "eduardo elena eloy elisa emilio enrique esteban eugenia eva federico felipe fernanda "
    "fernando francisco gabriel gabriela gerardo gloria gonzalo guillermo gustavo hector "
    "hugo ignacio ines irene isabel ismael ivan javier jimena joaquin jorge jose josefa juan "
    "juana julian julio laia leire leticia lorena lorenzo lucas lucia luis luisa manuel "
    "manuela marcos margarita mariana mario marisol marta martina mateo matias mauricio "
    "mercedes miguel miriam monica montserrat nacho natalia nerea nicolas nuria olga oscar "
    "pablo paco patricia paula pedro pepe rafael ramon raquel raul ricardo roberto rocio "
    "rodrigo rosario ruben salvador samuel santiago sara sebastian sergio silvia sofia susana "
    "teresa tomas valentina valeria vanesa veronica vicente victor virginia ximena yolanda"
)


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: frozenset[str]) -> str:
    """Return a regex matching exactly `words`, shaped as a trie so a mismatch fails fast.

    A flat alternation of 400 names is tried name by name at every word boundary; the trie
    gives up after the first letter that no name continues with.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_branch(trie)


def _trie_branch(node: _Trie) -> str:
    ends = "" in node
    branches = [
        re.escape(char) + _trie_branch(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    if len(branches) == 1:
        return "(?:" + branches[0] + ")?" if ends else branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends else "")


#: People by role (folded; plurals spelt out so the list compiles into a trie).
_ROLE_WORDS_EN: Final = _words(
    "agent agents rep reps representative representatives advisor advisors adviser advisers "
    "technician technicians tech techs engineer engineers driver drivers courier couriers "
    "deliveryman staff team teams employee employees associate associates manager managers "
    "supervisor supervisors cashier cashiers waiter waiters waitress servers server "
    "receptionist receptionists nurse nurses doctor doctors guy lady ladies girl boy man "
    "woman gentleman person people folks operator operators installer installers consultant "
    "consultants assistant assistants clerk clerks host hosts hostess stewardess crew pilot "
    "pilots concierge specialist specialists mechanic mechanics plumber plumbers electrician "
    "electricians teller tellers attendant attendants salesman saleswoman salesperson chef "
    "bartender bartenders porter porters cleaner cleaners pharmacist pharmacists dentist "
    "dentists instructor instructors guide guides fitter fitters handyman personnel everyone "
    "everybody lad lads"
) | {
    "delivery guy",
    "delivery man",
    "delivery driver",
    "delivery person",
    "delivery boy",
    "delivery lady",
    "team member",
    "team members",
    "staff member",
    "flight attendant",
    "flight attendants",
}
_ROLE_WORDS_ES: Final = _words(
    "tecnico tecnica tecnicos tecnicas agente agentes asesor asesora asesores asesoras gestor "
    "gestora gestores gestoras operador operadora operadores operadoras teleoperador "
    "teleoperadora teleoperadores teleoperadoras repartidor repartidora repartidores "
    "repartidoras mensajero mensajera mensajeros conductor conductora conductores chofer "
    "personal equipo empleado empleada empleados empleadas dependiente dependienta "
    "dependientes encargado encargada encargados gerente jefe jefa cajero cajera cajeros "
    "cajeras camarero camarera camareros camareras mesero mesera meseros recepcionista "
    "recepcionistas enfermero enfermera enfermeros enfermeras medico medica medicos doctor "
    "doctora doctores chico chica chicos chicas chaval chavala senor senora senores senoras "
    "senorita muchacho muchacha muchachos muchachas persona instalador instaladora "
    "instaladores consultor consultora comercial comerciales vendedor vendedora vendedores "
    "azafato azafata azafatas azafatos tripulacion piloto conserje especialista mecanico "
    "fontanero electricista administrativo administrativa trabajador trabajadora "
    "trabajadores gente farmaceutico farmaceutica profesor profesora guia "
    "cocinero chef portero limpiadora limpiador"
)

# Fragments shared by the rules, substituted for <NAME> and the like below.
_FRAGMENTS: Final[Mapping[str, str]] = {
    "<NAME>": "(?:" + _trie_pattern(FIRST_NAMES) + r")\b",
    "<ROLE_EN>": "(?:" + _trie_pattern(_ROLE_WORDS_EN) + r")\b",
    "<ROLE_ES>": "(?:" + _trie_pattern(_ROLE_WORDS_ES) + r")\b",
    "<INTENSE_EN>": (
        r"(?:(?:so+|very|super|really|extremely|incredibly|truly|just|always|absolutely"
        r"|genuinely|exceptionally|amazingly|ever|most|the|a|an|quite|particularly|such"
        r"|unbelievably|beyond|utterly|totally|simply|also|both)\s+)*"
    ),
    "<PRAISE_EN>": (
        r"(?:great|amazing|awesome|excellent|fantastic|wonderful|brilliant|superb|outstanding"
        r"|lovely|helpful|friendly|kind(?! of)|polite|patient|professional|knowledgeable"
        r"|courteous|nice|star|gem|legend|lifesaver|life saver|hero|angel|pleasure|delight"
        r"|exceptional|attentive|efficient|fabulous|incredible|terrific|sweet|pleasant"
        r"|respectful|understanding|caring|welcoming|warm|cheerful|charming|accommodating"
        r"|thorough|competent|best|top notch|first class|good|considerate|compassionate"
        r"|empathetic|reassuring|perfect|stellar|phenomenal|marvell?ous|gracious|approachable"
        r"|enthusiastic|informative|great help|a great help|credit|careful|gentle|calm|prompt"
        r"|punctual|tidy|honest|diligent|supportive|responsive|quick|clear)"
    ),
    "<INTENSE_ES>": (
        r"(?:(?:muy|super|re|realmente|sumamente|tan|siempre|increiblemente|extremadamente"
        r"|de lo mas|bastante|especialmente|absolutamente|verdaderamente|la|el|los|las|un|una"
        r"|todo|toda|mega|tremendamente|simplemente)\s+)*"
    ),
    "<PRAISE_ES>": (
        r"(?:amables?|atent[oa]s?|atentisim[oa]s?|amabilisim[oa]s?|simpatic[oa]s?"
        r"|profesional(?:es)?|encantador(?:a|es|as)?|maj[oa]s?|majisim[oa]s?|genial(?:es)?"
        r"|excelentes?|sol|amor|encanto|maravilla|maravillos[oa]s?|educad[oa]s?|pacientes?"
        r"|servicial(?:es)?|eficientes?|resolutiv[oa]s?|cordial(?:es)?|agradables?"
        r"|increibles?|estupend[oa]s?|fantastic[oa]s?|brillantes?|crack|cracks|genio|fenomeno"
        r"|heroe|angel|lo maximo|de diez|buenisim[oa]s?|buen[oa]s?|cariños[oa]s?|carinos[oa]s?"
        r"|comprensiv[oa]s?|acogedor(?:a|es|as)?|eficaz|competentes?|mejor(?:es)?"
        r"|perfect[oa]s?|ejemplar(?:es)?|impecables?|extraordinari[oa]s?|espectacular(?:es)?"
        r"|dulces?|gentil(?:es)?|respetuos[oa]s?|empatic[oa]s?|diligentes?|atent[oa]"
        r"|delicad[oa]s?|tranquilizador(?:a|es|as)?)"
    ),
}

_SUBJECT_EN: Final = (
    r"(?:(?:the|our|my|your|this|that|their|a|an|all the)\s+)?(?:\w+\s+)?(?:<NAME>|<ROLE_EN>)"
    r"(?:,? <NAME>,?|, \w+,)?"
    r"(?: (?:from|at|in|on) (?:the )?\w+(?: \w+){0,2}?| who(?: \w+){1,4}?)?"
)
_SUBJECT_ES: Final = (
    r"(?:(?:el|la|los|las|un|una|su|sus|mi|mis|nuestro|nuestra|este|esta|ese|esa)\s+)?"
    r"(?:<NAME>|<ROLE_ES>)(?:,? <NAME>,?)?"
    r"(?:,? (?:el |la )?(?:de|del|en) (?:la |el )?\w+(?: \w+){0,2}?,?"
    r"| que (?:me|nos) \w+(?: \w+){0,2}?)?"
)

_CONTACT_EN: Final = (
    r"(?:call(?:ed|ing)?(?! cent(?:re|er))|phon(?:e|ed|ing)|r[iau]ng|sent|send|submitted"
    r"|uploaded|contact(?:ed|ing)?|emailed|e-mailed"
    r"|wr[io]te|written|writing|complain(?:ed|ing)?|report(?:ed|ing)?|chased"
    r"|asked|explained|transferred|follow(?:ed)? up|reached out|messaged"
    r"|tried)"
)
_COUNT_EN: Final = (
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|multiple|many|countless"
    r"|numerous|a dozen|dozens of|a few|a hundred|a million|so many|too many|umpteen)"
)
_ORDINAL_EN: Final = (
    r"(?:second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|\d+th|umpteenth|nth|tenth"
    r"|hundredth|millionth)"
)
_COUNT_ES: Final = (
    r"(?:\d+|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|varias|muchas|mil|cien|tantas"
    r"|demasiadas|incontables|un monton de|infinidad de|miles de|cientos de|muchisimas"
    r"|infinitas|un sinfin de)"
)
_ORDINAL_ES: Final = r"(?:segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa]|enesim[oa]|\d+[oa])"

_EN_CHURN: Final = (
    r"cancel(?:l?ing|l?ed|s)? (?:my|our|the|this|all (?:my|our)|your) (?:\w+ ){0,2}?"
    r"(?:acc?ount|subscription|contract|service|membership|plan|policy|policies|line"
    r"|broadband|insurance|package|direct debit)s?\b(?! (?:change|upgrade))",
    r"cancel(?:l?ing|l?ed)? (?:my|our) card\b",
    r"(?:close|closing|closed|delete|deleting|deleted|terminate|terminating|terminated"
    r"|end|ending) (?:my|our|the) (?:\w+ ){0,2}?(?:account|subscription|contract|membership"
    r"|policy|service)s?\b",
    r"cancel(?:l?ing|l?ed)? (?:everything|it all)",
    r"switch(?:ing|ed)? (?:to (?:a|another|an|a different|a new|the competition|a competitor"
    r"|your competitor|them)\b|(?:\w+ )?(?:providers?|carriers?|banks?|insurers?|companies"
    r"|networks?"
    r"|suppliers?|operators?|airlines?)\b|to (?!you\b|your\b|u\b|us\b)\w+\s*(?:[.!,;]|$))",
    r"(?:moving|move|moved|taking|take|took|transferring|transfer) (?:all )?(?:of )?(?:my|our)"
    r" (?:business|money|custom|lines|accounts?|savings|mortgage|numbers?|family)"
    r" (?:\w+ )?(?:to (?:a|another|an|the competition|a competitor|your competitor)\b"
    r"|elsewhere|somewhere else)",
    r"(?:ported|porting|port) (?:my|our) numbers?",
    r"(?:i'?m|i am|we'?re|we are|i'?ll be|i will be|decided to|going to|gonna|i will|i'?ll"
    r"|want to|thinking (?:about|of)|considering|plan(?:ning)? to|about to) leav(?:e|ing)\b"
    r"(?! (?:the|a|it|my|me|them|at|on|her|him|this|your|for work|home|early|soon)\b)",
    r"(?:i'?m|i am|we'?re|we are) out[.!]",
    r"(?:i'?m|i am|we'?re|we are)?\s*(?:done|finished|through) with (?:this|you|your|the)"
    r" (?:\w+ )?(?:company|bank|provider|carrier|airline|store|shop|guys|people|service|lot)\b",
    r"(?:i'?m|im|i am|we'?re|we are) (?:done|finished|through) with (?:you|u)\b"
    r"|(?:i'?m|im|i am|we'?re|we are) (?:so )?(?:done|finished)\s*(?:[.!,;]|$)",
    r"never (?:\w+ )?(?:buy|buying|order|ordering|fly|flying|shop|shopping|use|using|book"
    r"|booking|come|coming|go|going|stay|staying|deal|dealing|purchase|purchasing|choose"
    r"|rent|renting|return|returning|eat|eating)\b(?: \w+){0,4}? again",
    r"never again\b|never (?:\w+ )?(?:go|come|going|coming) back\b",
    r"(?:won'?t|will not|wont|not|shan'?t|shall not) be (?:coming back|back|returning|renewing"
    r"|using|shopping"
    r"|ordering|buying|flying|staying|continuing|a customer)",
    r"(?:not|won'?t|will not) (?:be )?renew(?:ing)?\b",
    r"last time (?:i|we) (?:\w+ )?(?:buy|order|fly|shop|use|book|stay|deal|eat|purchase"
    r"|choose|travel|trust)",
    r"(?:last|final) (?:order|purchase|flight|booking|time|stay|visit|trip) (?:from|with|at)"
    r" (?:you|u|your|this|them)",
    r"(?:lost|losing|lose) (?:a|another|one more|a loyal|a long[- ]time|a good) customer",
    r"(?:won'?t|will not|wont|never) see (?:me|us) (?:again|anymore)",
    r"(?:goodbye|bye|farewell) forever",
    r"(?:find|finding|look(?:ing)? for|search(?:ing)? for|shop(?:ping)? around for"
    r"|go(?:ing)? with|signed (?:up )?with|sign up with|join(?:ed|ing)?)"
    r" (?:a |an |another |other |a new |new |a different |different |a better |better "
    r"|a cheaper |cheaper |your )(?:\w+ )?(?:provider|carrier|bank|insurer|company|supplier"
    r"|operator|network|airline|store"
    r"|shop|broker|isp|competitor|competition)s?\b",
    r"(?:went|going|gone|go|moving|moved) (?:back )?to (?:your|the|a) competit(?:or|ors|ion)",
    r"going back to my (?:old|previous|former) \w+",
    r"(?:want|get) (?:me )?out of (?:this|my|the) (?:contract|subscription|plan|agreement)",
    r"unsubscribe (?:me )?from (?:the|your|this) (?:service|subscription|plan)",
    r"taking my (?:business|money|custom) elsewhere",
    r"no longer (?:a |your |be a |be your )?customer|(?:stop|cease) being (?:a |your )?customer",
    r"(?:already |have |i'?ve |we'?ve )?(?:moved|gone|changed) (?:over )?to"
    r" (?!you\b|your\b|u\b|us\b|the app\b)\w+\s*(?:[.!,;]|$)",
    r"(?:i'?m|i am|we'?re|we are) (?:gone|out of here)\b",
    r"(?:i'?m|i am|we'?re|we are) (?:switching|leaving)\s*(?:[.!,;]|$)",
    r"(?:process|confirm|accept|submit|request|handle|action|want|need|put through)\w*"
    r" (?:my|our|the) (?:account |contract |subscription |membership )?cancell?ation\b"
    r"(?! (?:of|for) (?:my|the|an?) (?:order|flight|booking|appointment|visit|delivery))",
    r"clos\w* (?:everything|all (?:my|our) accounts?|it all)",
    r"lost (?:my|our) (?:business|custom|loyalty)",
    r"(?:moving|move|taking|take) (?:all )?(?:my|our) (?:business|money|custom|mortgage|savings"
    r"|accounts?)\s*(?:[.!,;]|$|away)",
    r"(?:confirm|make sure|ensure|check) (?:that )?(?:my|our) (?:\w+ )?(?:account|contract"
    r"|subscription|membership|policy) (?:is|has been|was) (?:closed|cancell?ed|terminated)",
    r"(?:never|not|won'?t) (?:\w+ )?(?:get|see|receive) (?:another|one more|a single)"
    r" (?:penny|cent|dime|pound|dollar|euro)",
    r"(?:better|cheaper) (?:offer|deal|price|rate|quote) (?:elsewhere|somewhere else"
    r"|from (?:a|another|your) \w+)",
    r"stop (?:my|our|the) (?:\w+ )?(?:policy|subscription|contract|membership|plan|account"
    r"|service)(?: from)? (?:renewing|auto[- ]?renew\w*)|(?:turn off|cancel|stop) (?:the )?"
    r"auto[- ]?renew\w*",
    r"(?:say(?:ing)? )?goodbye to (?:this|you|your|the)\b",
    r"(?:don'?t|do not) expect (?:me|us) to (?:renew|stay|come back|return|buy|continue)",
    r"pac code|porting code|(?:move|moving|transfer\w*|keep|keeping) (?:my|our) numbers?"
    r" (?:to|elsewhere|away)",
    r"(?:shop|shopping|buy|buying|order|ordering|bank|banking|fly|flying|go|going|book"
    r"|booking) (?:\w+ )?(?:elsewhere|somewhere else)",
)

_ES_CHURN: Final = (
    r"(?:dar(?:me|nos|le|les)?|doy|damos|di|dimos|dio|dieron|dare|daremos|daria|den|denme"
    r"|dame|dando(?:me)?) (?:\w+ ){0,4}?de baja\b"
    r"(?! de (?:los |la |las |el )?(?:correos?|emails?|newsletter|boletin|publicidad"
    r"|notificaciones|mensajes|sms|promociones|lista))",
    r"(?:solicit\w*|pid\w*|ped\w*|tramit\w*|quiero|queremos|gestion\w*|curs\w*|hacer|hago"
    r"|hice) (?:la|mi) baja\b",
    r"(?:cancel|anul|rescind|cerr|cierr|finaliz|elimin|terminen\b|terminar\b)(?!aron\b)\w*"
    r" (?:mi|mis|la|el|los|las|nuestra|nuestro|nuestras|nuestros|esta|este|toda|todo|todas)"
    r" (?:\w+ )?(?:cuentas?|suscripcion(?:es)?|contratos?|lineas?|servicios?|polizas?"
    r"|plan(?:es)?|membresias?|tarjetas?|seguros?|abono|fibra)\b",
    r"me borro de (?:este|el|la|esta|su|vuestro|vuestra) \w+",
    r"(?:no|nunca|jamas) (?:\w+ )?(?:vuelvo|volvere|volveremos|volvemos|volveria"
    r"|volveriamos|volver) a (?:comprar|pedir|contratar|volar|reservar|usar|utilizar|confiar|viajar"
    r"|alojarme|poner un pie|ir\b|pisar|elegir|recomendar|ser cliente)",
    r"nunca mas (?:\w+ ){0,2}?(?:compro|comprare|pido|pedire|vuelvo|volvere|uso|usare"
    r"|contrato|contratare|viajo|vuelo|volare|reservo|piso|confio)",
    r"ultima vez que (?:\w+ )?(?:compro|pido|vuelo|viajo|contrato|reservo|uso|me alojo|como"
    r"|vengo|piso|confio|elijo)",
    r"(?:me|nos) (?:voy|vamos|ire|iremos|largo|largamos|paso|pasamos|pasare|cambio|cambiamos"
    r"|cambie|cambiare|marcho|marchamos|mudo|mudamos|fui|fuimos|iremos) (?:a|con|de)"
    r" (?:la competencia|otr[oa]s?\b|(?:\w+ )?(?:compania|banco|operador|proveedor"
    r"|aseguradora|empresa|aerolinea|electrica|entidad)\b)",
    r"(?:cambiar(?:me|nos)?|irme|irnos|pasarme|pasarnos|largarme|marcharme|mudarme|mudarnos)"
    r" (?:a|de|con) (?:la competencia|otr[oa]s?\b|compania|banco|operador|proveedor"
    r"|aseguradora|empresa|aerolinea|electrica|entidad|seguro|tienda|fibra|telefonia|marca)",
    r"(?:me|nos) (?:cambie|cambiamos|pase|pasamos|fui|fuimos) (?:a|con)"
    r" (?!ustedes\b|vosotros\b|usted\b)\w+\s*(?:[.!,;]|$)",
    r"(?:me|nos) (?:quiero|queremos) ir (?:de|a|con)\b",
    r"(?:busc\w*|encontrar|mirando) (?:otr[oa]s?|un[oa]? nuev[oa]|un[oa]? mejor) (?:\w+ )?"
    r"(?:compania|banco|operador|proveedor|aseguradora|empresa|tienda|aerolinea|seguro"
    r"|electrica|entidad|opcion|alternativa|marca|supermercado)",
    r"(?:contrate|contratamos|he contratado|firme|he firmado|hemos firmado|firmamos|me apunte"
    r"|me pase) (?:con|en|a)"
    r" (?:la competencia|otr[oa])",
    r"(?:pedi|solicite|pido|solicito|pedire|pedir|solicitar|hacer|hago|hice|tramit\w+"
    r"|he pedido|he solicitado) (?:la |mi )?portabilidad",
    r"dej(?:o|amos|are|aremos|ar) de ser (?:su |vuestro |tu )?client[ea]"
    r"|(?:ya )?no (?:soy|sere|seguire siendo) (?:su |vuestro |tu )?client[ea]",
    r"(?:me|nos) (?:he|hemos) (?:pasado|cambiado|ido) (?:a|con)"
    r" (?!ustedes\b|vosotros\b|usted\b)\w+",
    r"\by (?:me|nos) (?:voy|vamos|largo|largamos|marcho)\s*(?:[.!,;]|$)",
    r"(?:traslad|llev|pas|mov)\w* (?:mis|nuestras|nuestros|mi|nuestra|todo|todas|todos|la|el"
    r"|los|las)"
    r" (?:\w+ )?(?:a|con) (?:otr[oa]|la competencia)",
    r"(?:cancel|anul|cierr|cerr)\w* todo|(?:dar(?:me|nos)?|doy|damos) de baja todo",
    r"(?:solicitud|peticion|tramite|proceso|gestion) de (?:la )?baja",
    r"(?:mi )?(?:ultim[oa]|final) (?:vuelo|compra|pedido|reserva|estancia|visita|viaje)"
    r" (?:con|en|a) (?:ustedes|vosotros|usted|su|esta|este|vuestr[oa])",
    r"(?:no|nunca|jamas) (?:\w+ )?(?:volveran|vais|van|veran) a (?:ver|cobrar|recibir)"
    r" (?:ni )?un (?:euro|centimo|duro|peso)|ni un (?:euro|centimo|duro|peso) mas",
    r"(?:paren|parar|detengan|detener|cancelen|anulen|desactiven|desactivar) (?:la )?"
    r"renovacion",
    r"(?:he|hemos) terminado con (?:ustedes|vosotros|usted|este \w+|esta \w+|su \w+)",
    r"no (?:esperen|espereis|espere) que (?:renueve|renovemos|siga|sigamos|vuelva|volvamos"
    r"|continue|me quede)",
    r"(?:^|[,;.!]\s*|\by )(?:me|nos) (?:voy|vamos|largo|largamos|marcho|marchamos)\s*(?:[.!,;]|$)",
    r"(?:cambio|cambiar|cambiarme|cambiarnos) de (?:compania|operador|banco|proveedor"
    r"|aseguradora|electrica|entidad)\b",
    r"(?:compr|ped|pid|contrat|reserv|viaj)\w* (?:en|a|con) (?:otr[oa]s? (?:sitio|lugar|parte"
    r"|tienda|empresa|compania|banco|operador|proveedor|aseguradora|aerolinea|marca)"
    r"|la competencia)\b",
    r"(?:planteando|pensando(?: en)?|plantear|quiero|queremos|voy a|vamos a|decidido"
    r"|pienso en) (?:\w+ )?(?:irme|irnos|marcharme|largarme|cambiarme|cambiarnos)\b",
    r"(?:han|habeis|acaban de|acabais de) perdido (?:a )?un(?:a)? client[ea]",
    r"perdieron (?:a )?un(?:a)? client[ea]",
    r"adios para siempre|hasta nunca|no cuenten conmigo|no me (?:vuelven|volveran) a ver"
    r"|no me veran mas|nunca mas me veran",
    r"(?:no|nunca) (?:\w+ )?(?:renovare|renovaremos|renuevo|renovamos|voy a renovar"
    r"|pienso renovar|vamos a renovar|quiero renovar)",
    r"(?:dejo|dejare|dejamos|voy a dejar|vamos a dejar) (?:de ser cliente|la compania"
    r"|el banco|la empresa|esta compania|este banco|la aseguradora|el operador)",
)

_EN_NOT_HEARD: Final = (
    r"(?:nobody|no one|noone|no-one|none of them) (?:\w+ ){0,2}?(?:listen(?:ed|s|ing)?|cares?"
    r"|cared|caring|bothered|took (?:me|it|my \w+) seriously|got back|gets back|get back"
    r"|read|reads|answered|answers|responded|replied|called (?:me )?back|returned my"
    r"|pa(?:id|ys) (?:any |much )?attention|acknowledged|hear|heard|look(?:ed|s)? at"
    r"|gave a (?:damn|toss|hoot|monkey'?s)|asked? (?:me )?(?:what|how|about))\b",
    r"(?:didn'?t|don'?t|doesn'?t|couldn'?t|did not|do not|does not) (?:give|care) a (?:damn"
    r"|toss|hoot|monkey'?s)",
    r"(?:go|goes|went|going|gone|end up|ends up|ended up) (?:straight |right |directly )?"
    r"(?:in|into|to) the (?:bin|trash|rubbish|garbage|shredder)",
    r"(?<!\bi )hung up (?:on (?:me|us)|twice|again|three times|several times|repeatedly|mid)",
    r"(?:not once|never once) did (?:anyone|anybody|they|he|she) (?:\w+ )?ask",
    r"(?:total |complete |utter |a )?lack of (?:interest|care|empathy|attention|concern)",
    r"(?:canned|generic|template|copy[- ]?paste(?:d)?|stock|scripted) (?:response|reply|answer"
    r"|email)",
    r"(?<!\bi )(?:didn'?t|did not|never|don'?t|doesn'?t|do not|does not|not) pay(?:ing)?"
    r" (?:any |much )?attention",
    r"(?:emails?|messages?|complaints?|letters?|tickets?|requests?) (?:\w+ ){0,4}?(?:vanish\w*"
    r"|disappear\w*|get lost|got lost|go unread|went unread)|into thin air",
    r"cut (?:me|us) off|cut off mid|interrupt(?:ed|ing|s)? (?:me|us)\b",
    r"(?:like|as if|as though) (?:i|we) (?:was|were|am|are|had been) (?:being )?(?:stupid"
    r"|an idiot|a child|lying|a liar|a criminal|dumb|thick|nothing|invisible|a nuisance"
    r"|a problem|an inconvenience|wasting)",
    r"no (?:acknowledg\w*|reply|response|answer|call ?back|follow[- ]up) (?:at all |whatsoever "
    r"|to (?:my|our)|of (?:my|our))",
    r"(?:don'?t|do not|dont) (?:think|believe) (?:anyone|anybody) (?:even |ever )?"
    r"(?:read|reads|listened|listens|cares|cared|looked at)",
    r"(?<!\bi )(?:didn'?t|did not|don'?t|do not|doesn'?t|does not|never|won'?t|wouldn'?t"
    r"|isn'?t|wasn'?t|weren'?t|aren'?t|not) (?:\w+ )?(?:listen|listening|listened)\b",
    r"(?:felt|feel|feeling|made me feel|make me feel) like (?:i was |i'?m |i am )?"
    r"(?:just |only |nothing more than |nothing but )?(?:a |an |another )(?:\w+ )?"
    r"(?:number|statistic|idiot|nuisance|criminal|liar)",
    r"(?:treated|treat|treats|treating) (?:me|us|customers|people|everyone|their customers)?"
    r" ?(?:like|as) (?:just |only )?(?:a |an )?(?:\w+ )?(?:number|cattle|animals|idiots?"
    r"|nobody|nuisance|criminals?|liars?|dirt|rubbish|garbage|trash|statistic)",
    r"ignor(?:ed|es|e|ing) (?:me|us|what i|what we|all (?:my|our)|every|my|our)\b"
    r"(?: \w+)?(?:\b(?! fingerprint| face))",
    r"(?:was|were|been|being|got|get|feel|felt|am|is|are) (?:completely |totally |just "
    r"|simply |entirely |always |constantly )?ignored",
    r"deaf ears|(?:talking|talk|speaking) to a (?:brick )?wall|black hole",
    r"brush(?:ed)? (?:me|us) off|brushed (?:off|aside)|fobbed (?:me )?off",
    r"(?:felt|was|were|been|being|got|feel) dismissed|dismissed (?:me|us|my|our)",
    r"hung up on (?:me|us)|hang up on (?:me|us)",
    r"talk(?:ed|ing)? over (?:me|us)|(?:kept|keeps|keep) interrupting",
    r"(?:didn'?t|did not|wouldn'?t|would not|never) let (?:me|us) (?:finish|explain|speak"
    r"|talk)",
    r"(?:didn'?t|did not|don'?t|do not|never|not) (?:feel|felt) (?:\w+ )?(?:heard|listened to"
    r"|understood|valued|respected)",
    r"(?:felt|feel|feeling) (?:\w+ )?(?:unheard|invisible|ignored|dismissed|unimportant"
    r"|worthless)",
    r"(?:they|he|she|you|<ROLE_EN>|company|bank|store|management)(?: (?:just|really|clearly"
    r"|simply|obviously|honestly))? (?:don'?t|do not|doesn'?t|does not|didn'?t|did not"
    r"|couldn'?t|could not|never|won'?t) (?:\w+ )?cared?\b",
    r"(?:never|not|didn'?t|haven'?t) (?:got|get|received|receive|had) (?:a |any )?"
    r"(?:reply|response|answer|call ?back|acknowledg(?:e)?ment)",
    r"never heard back|(?:didn'?t|haven'?t|did not|have not) heard back|no reply|no response"
    r"|no answer|without (?:a |any )?(?:reply|response|answer)",
    r"unanswered|(?:never|wasn'?t|was not|weren'?t|were not|haven'?t been|hasn'?t been)"
    r" (?:\w+ )?(?:answered|acknowledged|addressed|read)\b",
    r"(?<!\bi )(?:didn'?t|did not|never|don'?t|do not) (?:even )?(?:acknowledge|answer|reply"
    r"|respond|read|call (?:me )?back|get back|return my)",
    r"(?:like|as if|as though) i (?:wasn'?t|was not|didn'?t|did not|don'?t) (?:even )?"
    r"(?:there|exist|matter)",
    r"(?:my|our) (?:complaint|opinion|feedback|problem|concerns?|voice|views?|time|case"
    r"|issue)s?"
    r" (?:didn'?t|doesn'?t|don'?t|did not|does not|do not|never) (?:matter|count)",
    r"customers? (?:don'?t|doesn'?t|do not|does not) (?:matter|count)",
    r"(?:zero|no|little) interest in (?:my|our|the customer|customers|what)",
    r"pretend(?:ed|s)? not to (?:hear|listen|see|notice)",
    r"(?:goes|went|go) nowhere|into (?:a|the) void",
    r"(?:couldn'?t|could not|can'?t|cannot|didn'?t|did not|won'?t|wouldn'?t|never) (?:even )?"
    r"(?:be )?bother(?:ed)? to",
    r"not (?:a single|one) (?:person|soul|agent|reply|response|answer|one)",
    r"talking to (?:myself|ourselves|the wall)",
    r"(?:wasn'?t|weren'?t|isn'?t|aren'?t|not|was not|were not) (?:even |at all |remotely "
    r"|clearly )?interested in (?:my|our|what|the|helping|listening|hearing)",
    r"(?:felt|feel|made me feel|make me feel|made us feel) like (?:i was |i'?m |we were )"
    r"(?:wasting their time|a nuisance|a bother|an inconvenience|bothering them|stupid"
    r"|an idiot|lying)",
    r"hung up on\b",
    r"(?:don'?t|do not|didn'?t|did not) (?:feel|think|believe) (?:like |that )?(?:anyone"
    r"|anybody) (?:\w+ )?(?:cares?|cared|listens?|listened|reads?)",
    r"dismissive",
)

_ES_NOT_HEARD: Final = (
    r"(?:me|nos) ignor\w+",
    r"ignor\w+ (?:mis|mi|nuestros|nuestras|nuestro|nuestra|todos|todas|lo que)"
    r" (?:\w+ )?(?:correos?|mensajes?|quejas?|reclam\w*|llamadas?|peticiones|solicitudes"
    r"|consultas?|emails?|cartas?|avisos?|preguntas?|dudas?|necesidades|explicaciones"
    r"|dije|decia|escribi|explique|pedi)\b|ignor\w+ lo que",
    r"(?:correos?|mensajes?|quejas?|reclamaciones?|cartas?|emails?) (?:\w+ ){0,3}?"
    r"(?:desaparec\w*|se pierden|se perdieron|se perdio|quedan sin leer)",
    r"(?:le|les) import(?:a|o|aba|aban|an) (?:un|una|tres|poco|nada)\b",
    r"me cort(?:o|aron|aba|aban) (?:a|en) mitad|(?:a|en) mitad de (?:la )?frase",
    r"sin (?:contestar|responder)",
    r"respuestas? (?:enlatad[oa]s?|generic[oa]s?|de plantilla|copiad[oa]s?|tipo|estandar)",
    r"(?:hablar|hablaba|hablo|hablaron|hablaban) por encima (?:de mi|mia)|me interrump\w*",
    r"(?:quejas?|correos?|reclamaciones?|cartas?|mensajes?|emails?) (?:\w+ ){0,4}?(?:a|en) la"
    r" (?:papelera|basura|trituradora)",
    r"(?:nunca|no|jamas) (?:he |hemos )?(?:recibi|recibo|recibimos|recibido|tuve|obtuve"
    r"|he tenido) (?:ninguna |una |la )?(?:respuesta|contestacion|acuse)",
    r"al vacio\b",
    r"(?:me|nos) desprecia\w*|despreci\w+ (?:mis|mi|nuestr\w+|lo que)",
    r"(?:mi|nuestro|nuestra) (?:tiempo|opinion|queja|problema|caso|reclamacion) no (?:valia"
    r"|vale|importaba|importa|contaba|cuenta)",
    r"(?:ni una vez|nunca|ni siquiera) (?:me |nos )?pregunt\w* (?:que|como|por)",
    r"(?:falta|ausencia) (?:total |absoluta )?de (?:interes|empatia|atencion)"
    r"|(?:ningun|cero|nulo) interes",
    r"no (?:atienden|atendian|atendieron|atiende) a razones",
    r"como si (?:yo )?(?:fuera|fuese|fueramos) (?:tont[oa]|idiota|estupid[oa]|mentiros[oa]"
    r"|nadie|invisible|un[oa] (?:\w+ )?(?:ladron|mentiros[oa]|delincuente|numero|molestia))",
    r"(?:ni|no|sin|ningun) (?:un |una |siquiera )?(?:acuse de recibo|contestacion)",
    r"(?:me senti|me siento|sentirme|me he sentido|nos sentimos|me hicieron sentir"
    r"|me hacen sentir) (?:\w+ )?(?:ignorad[oa]s?|invisibles?|ninguneado|despreciad[oa]"
    r"|(?:como )?(?:un|una|otro) (?:\w+ )?numero|(?:nada|poco|para nada) (?:escuchad[oa]s?"
    r"|atendid[oa]s?|valorad[oa]s?|comprendid[oa]s?|respetad[oa]s?))",
    r"nadie (?:me |nos |le |les )?(?:\w+ )?(?:hizo|hace|hacia|hicieron) caso",
    r"(?:no|ni) (?:me |nos )?(?:hicieron|hacen|hizo|hace|hacian|han hecho|ha hecho)"
    r" (?:ni )?caso|ni caso",
    r"nadie (?:\w+ )?(?:me |nos |le |les |lo |la |los |las )?(?:escuch\w+|atend\w+"
    r"|contest\w+|respond\w+|llam\w+|devolvi\w+|lee|leyo|leia|oy\w+|oir|mir\w+"
    r"|pregunt\w+|prest\w* (?:\w+ )?"
    r"atencion|se molesto|se preocupa|se preocupo|se interesa|se digno)",
    r"a nadie (?:le |les )?(?:importa|importo|interesa|preocupa)",
    r"(?:no|nunca|jamas) (?:me |nos |les |le )?escuch\w*\b(?! bien)(?<!escuche)",
    r"sin (?:siquiera )?escuchar(?:me|nos)?|sin (?:siquiera )?leer",
    r"(?:no|nunca) me (?:senti|siento|he sentido|sentia) (?:\w+ )?(?:escuchad[oa]"
    r"|atendid[oa]|valorad[oa]|comprendid[oa]|entendid[oa]|respetad[oa])",
    r"(?:hablar|hablando|hable) con (?:la|una) pared|oidos sordos",
    r"(?:les|le) (?:da|dio|daba) (?:igual|lo mismo)",
    r"(?:no|nada) les? importa(?:mos)? (?:nada|el cliente|los clientes|lo que|mi|mis|nuestr\w+"
    r"|un|una)\b|les importa (?:un|una|tres|poco|nada)\b|(?:no|nada) les importamos",
    r"(?:el|al) cliente no (?:le )?importa|clientes no (?:les )?importa",
    r"no me dej(?:o|aron|aba|an) (?:\w+ )?(?:explicar|hablar|terminar|acabar)"
    r"|con la palabra en la boca",
    r"me colg(?:aron|o|aban)",
    r"(?:nunca|no|jamas) (?:me |nos |le )?(?:respondieron|respondio|responden|respondian"
    r"|contestaron|contesto|contestan|contestaban|llamaron|devolvieron la llamada)",
    r"sin (?:respuesta|contestacion)",
    r"no se (?:molest\w+|dignaron|digno|preocuparon) (?:ni )?en",
    r"ni (?:una sola|un solo|una|un) (?:persona|agente|respuesta|llamada|correo)"
    r" (?:\w+ )?(?:respondio|contesto|llamo|me|nos|devolvio)",
    r"(?:como hablar|hablar|hablando|hablaba) (?:sol[oa]|con la pared)\b",
    r"(?:les?|me) (?:da|dio|daba|dan|daban) (?:\w+ )?(?:igual|lo mismo)",
    r"a nadie (?:le |les )?(?:importe|importara|interese|preocupe)",
    r"(?:les|le) (?:hacia|hago|estaba haciendo|hiciera) perder (?:el|su) tiempo",
    r"despectiv[oa]s?",
    r"(?:no|nunca) (?:me|nos) (?:tomaron|toman|tomo|tomaban|han tomado) en serio",
    r"no (?:me |nos )?prest(?:aron|an|o|aban) (?:\w+ )?atencion",
    r"ni (?:me|nos) (?:miro|miraron|miraba|miran)",
    r"pas(?:aron|an|o|aban) de (?:mi|nosotros|los clientes)",
    r"(?:me|nos) (?:dieron|dan|daban|dio|estan dando) largas|dando largas",
    r"ningune\w+",
    r"como si (?:yo )?no exist\w+",
    r"(?:me|nos|les) (?:trataron|tratan|trata|trato|trataban) como (?:a )?(?:un |una |unos )?"
    r"(?:numeros?|ganado|basura|tont[oa]s?|idiotas?|mentiros[oa]s?|delincuentes?|nadie"
    r"|perros?|animales|estupid[oa]s?)",
    r"(?:soy|somos|fui|eres) (?:solo |solamente )?(?:un|una|otro) (?:numero|ticket"
    r"|expediente)",
    r"en el olvido|en saco roto",
    r"(?:me|nos) despach(?:aron|o|an)",
)

_EN_REPEAT: Final = (
    r"<ORD_EN> time (?:\w+ ){0,3}?(?:i |we |i'?ve |we'?ve |i have |i had to |having to )?"
    r"(?:call|called|calling|contact|contacted|contacting|write|wrote|writing|email|emailed"
    r"|complain|complained|complaining|ring|rang|chat|report|reported|reporting|ask|asked"
    r"|explain|explained|visit|come in|this (?:has )?happen|it happens|that happens)",
    r"<ORD_EN> (?:\w+ )?(?:call|email|e-mail|message|complaint|ticket|visit|letter|survey"
    r"|chat|follow[- ]up|attempt)s?\b",
    r"(?<!\bme )(?<!\bus )(?<!\bthey )<CONTACT_EN>(?! me\b| us\b)(?: \w+){0,4}? <COUNT_EN>"
    r" (?:times|occasions)",
    r"(?<!\bme )(?<!\bus )(?<!\bthey )<CONTACT_EN>(?! me\b| us\b)(?: \w+){0,4}? twice",
    r"(?:had|have|having|need(?:ed)?|must|forced) to (?:call|ring|phone|contact|email|write"
    r"|chase|go|come|repeat|explain|follow up|complain)(?: \w+){0,4}? (?:again|back|twice"
    r"|several times|multiple times|over and over|every time|each time|every day)",
    r"(?:keep|kept|keeps|keeping) (?:calling|ringing|writing|emailing|chasing|asking"
    r"|complaining|getting passed|getting transferred|being transferred|being passed"
    r"|explaining|repeating|coming back|happening|getting the same)",
    r"(?:<CONTACT_EN>|to you|explain\w*|told them|asked)(?: \w+){0,3}? (?:again and again"
    r"|over and over|time and (?:time )?again)|back and forth (?:with|for|between|on the)"
    r"|(?:again and again|over and over|time and again),? (?:i|we) (?:have|had|keep|kept)"
    r"|round in circles|going in circles|the run ?around|r[au]n (?:me|us) around"
    r"|from one (?:department|person|agent)"
    r" to (?:another|the next)|pillar to post",
    r"(?:chase|chasing|chased) (?:them|you|your|it|this|up|the|my|after|him|her|someone"
    r"|anyone|support)",
    r"still (?:not(?! (?:impressed|sure|convinced|decided|comfortable|used to|a fan|happy with"
    r" the))|isn'?t|hasn'?t|haven'?t|has not"
    r"|have not|no|nothing|doesn'?t|does not"
    r"|don'?t|didn'?t|(?:can'?t|cannot)(?! believe)|unable|without|broken|down|waiting"
    r"|wrong|missing|pending|unresolved|outstanding|the same|having|getting|charging"
    r"|happening|faulty|off|dead|stuck|chasing|open|unsolved|ongoing)\b",
    r"(?:been waiting|still waiting|waiting now|(?:i|we)'?ve waited|have waited|waited over"
    r"|waited more than) (?:for )?(?:over |more than |almost |nearly )?"
    r"(?:(?:a|an|one) (?:week|month|year)|(?:two|three|four|five|six|\d+|several|many)"
    r" (?:days|weeks|months|years))",
    r"(?:yet )?another (?:call|email|complaint|ticket|visit|letter|chat)\b",
    r"(?:same|this) (?:problem|issue|error|fault|thing|mistake) (?:again|once again|as before"
    r"|as last)|again the same (?:problem|issue|error|fault|thing|mistake)",
    r"already (?:reported|complained|called|told|raised|explained|contacted)"
    r"|reported (?:it|this) (?:already|before|last)",
    r"how many (?:more )?times (?:do|must|should|will|have|am|are)",
    r"repeat(?:ed|ing)? (?:myself|my (?:story|problem|issue|case|details|complaint))",
    r"(?<!\bmissed )<COUNT_EN> (?:different )?(?:agents|departments|reps|representatives|advisors"
    r"|tickets|complaints|calls|phone calls|emails|visits|attempts|tries|chats)\b",
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),? (?:and |then )?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
    r"(?<!\bme )(?<!\bus )(?:contacted|called|emailed|wrote|rang|phoned|complained)"
    r"(?! me\b| us\b)(?: \w+){0,6}? (?:and )?again\b",
    r"(?:every|each) time (?:i|we) (?:call|contact|ring|phone|email|write|complain|ask"
    r"|chat)",
    r"over (?:several|many|multiple|two|three|four|\d+) (?:days|weeks|months|calls)",
    r"(?:days|weeks|months) (?:later|on|and) (?:and )?(?:still|nothing|no)",
    r"for the <ORD_EN> time(?:\s*[:,!]| (?:i|we)\b)",
    r"<ORD_EN> time (?:this|in a|in the|that) (?:\w+ ){0,3}?(?:hasn'?t|haven'?t|didn'?t|did not"
    r"|wasn'?t|weren'?t|failed|missed|broke|broken|gone down|went down|cut off|not)\b",
    r"(?:had|have|having) to (?:explain|repeat|go through|tell)\w* (?:\w+ ){0,3}?(?:from the"
    r" (?:start|beginning)|all over again|from scratch)|once more (?:i|we) (?:had|have) to",
    r"another (?:\w+ )?(?:day|week|month)s? (?:has |have )?(?:passed|gone|went|later|without"
    r"|and (?:still|nothing|no))|nothing (?:has |'s )?changed",
    r"still (?:dropping|crashing|failing|freezing|disconnecting|cutting|leaking|charging"
    r"|billing|overcharging|losing|showing|broke|off)\b",
    r"repeated (?:calls|complaints|emails|requests|visits|attempts|contacts|phone calls)",
    r"despite (?:\w+ ){0,2}?(?:calls|visits|complaints|emails|tickets|requests)",
    r"(?<!\bmissed )<COUNT_EN> (?!minute|second|hour|min\b)\w+ (?:visits|calls|complaints"
    r"|tickets|emails)\b",
    r"yet again|(?:wrong|broken|down|failed|failing|faulty|missing|overcharged|cut off"
    r"|not working) again\b",
    r"(?:call\w*|phon\w*|on the phone|chas\w*|email\w*|writ\w*|wrote|r[ia]ng\w*)"
    r"(?: \w+){0,5}? every (?:single )?day",
)

_ES_REPEAT: Final = (
    r"<ORD_ES> vez (?:que )?(?:\w+ ){0,3}?(?:llam\w*|escrib\w*|reclam\w*|contact\w*"
    r"|pas[oa]\b|vengo|voy|vuelvo|me quejo|pongo|abro|envio|mando|lo (?:reporto|reclamo"
    r"|digo|pido)|pido|insisto|intento|repito|explico|ocurre|sucede|no (?:llega|llego|funciona"
    r"|viene|vino|aparece|aparecio|se presenta|responde|contestan|cumplen|traen))",
    r"<ORD_ES> (?:llamada|correo|email|mail|mensaje|reclamacion|queja|incidencia|visita"
    r"|carta|reclamo|aviso|ticket|encuesta|intento)s?\b",
    r"(?<!\bme )(?<!\bnos )(?:llam(?!adas?\b)\w+|escrib\w+|escrit\w+|reclam\w+|contact\w+"
    r"|fui|ir"
    r"|insist\w+|ped\w+|pid\w+|explic\w+|repet\w+|repit\w+|pasaron|pasado|avis\w+|envi\w+"
    r"|mand\w+|reporte|reportado|hic\w+|hecho|vuelto|volvi\w*)"
    r"(?: \w+){0,5}? <COUNT_ES>"
    r" veces",
    r"una y otra vez|otra vez (?:lo mismo|el mismo|la misma)|de nuevo (?:el|la|lo) mism[oa]"
    r"|(?:el|la) mism[oa] (?:problema|error|averia|fallo|incidencia) (?:otra vez|de nuevo)"
    r"|vuelve a (?:pasar|fallar|aparecer|ocurrir|romperse)|volvio a (?:pasar|fallar|ocurrir"
    r"|romperse|romper|estropear)|dando vueltas|de un departamento a otro|de aqui para alla"
    r"|de un lado a otro"
    r"|(?:cuantas|tantas) veces (?:tengo|tendre|hay|he|debo|voy|tuve) (?:que|a|de)",
    r"(?:volvi|volvimos|he vuelto|tuve que volver|tengo que volver|tuvimos que volver)"
    r" a (?:llamar|escribir|reclamar|ir|contactar|insistir|explicar|poner|abrir|enviar|mandar)",
    r"(?:tener|tuve|tengo|he tenido|tuvimos) que (?:\w+ )?(?:llamar|escribir|ir|reclamar"
    r"|insistir|volver|repetir|explicar)(?: \w+){0,3}? (?:otra vez|de nuevo|varias veces"
    r"|dos veces|tres veces|muchas veces|cada dia)",
    r"(?:sigo|seguimos|sigue|siguen|seguia|seguian|continuo|continua|continuan)"
    r" (?:esperando|sin|roto|rota|mal|fallando|cobrando|pendiente|a la espera|en espera"
    r"|estropead[oa]|averiad[oa]|caid[oa]|sin resolver|reclamando|llamando|abiert[oa])\b",
    r"(?:todavia|aun) (?:sin|estoy esperando|espero|seguimos|sigo|nada|nadie|ni|esperando"
    r"|pendiente)\b|(?:todavia|aun) no (?:me |nos |lo |la |le |les |se )?(?:han|ha|hemos|he"
    r"|funciona|funcionan|llega|llegan|llegado|recibido|recibo|resuelto|solucionado|arreglado"
    r"|devuelto|contestado|respondido|tengo|tenemos|hay|aparece|viene|vino|esta|estan)\b",
    r"llev(?:o|amos) (?:\w+ ){0,2}?(?:dias|semanas|meses|un mes|una semana|anos|ano|horas)"
    r" (?:esperando|llamando|sin|reclamando|detras|escribiendo)",
    r"llev(?:o|amos) (?:\w+ )?(?:llamando|esperando|reclamando|escribiendo|insistiendo)",
    r"(?:estoy|estamos) (?:\w+ )?esperando|(?:estoy|estamos) a la espera",
    r"(?<!\buna )(?<!\bleido )(?<!\bvisto )<COUNT_ES> (?:llamadas|correos|reclamaciones|quejas"
    r"|incidencias|visitas"
    r"|emails|mensajes|avisos|tickets|agentes|operadores|asesores|departamentos)",
    r"otr[oa] (?:llamada|correo|reclamacion|queja|visita|incidencia) (?:mas )?(?:para|por)"
    r"|un[oa] (?:llamada|correo|reclamacion|queja) mas",
    r"(?:cada|todas las) (?:vez|veces) que (?:llamo|llame|escribo|reclamo|pregunto|contacto"
    r"|voy)",
    r"ya (?:lo |les |os |se lo )?(?:avise|reclame|reporte|llame|escribi|dije|comunique"
    r"|notifique|explique|informe)\b",
    r"(?:llame|escribi|fui|reclame)(?: el)? (?:lunes|martes|miercoles|jueves|viernes|sabado"
    r"|domingo),? (?:el )?(?:y )?(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)",
    r"durante (?:varios|muchos|tres|dos|cuatro) dias",
    r"(?:vuelve|vuelven|volvio) (?:\w+ ){0,2}?cada (?:pocos |dos |tres )?(?:dias|semanas|meses)",
    r"persigui\w+|perseguir",
    r"(?:otra vez|de nuevo) (?:mal|igual|roto|rota|estropead[oa]|caid[oa]|averiad[oa]"
    r"|con (?:el|la|lo) mism[oa]|sin (?:luz|internet|servicio|linea|agua|gas|senal|cobertura"
    r"|respuesta|solucion|arreglar|funcionar))\b",
    r"(?:llam|escrib|reclam|insist)\w* (?:\w+ ){0,2}?(?:todos los dias|cada dia)",
    r"(?:explic|cont|repet|repit)\w* (?:\w+ ){0,3}?(?:de nuevo|otra vez|desde el principio"
    r"|desde cero)|una vez mas (?:tuve|tengo|he tenido) que"
    r"|(?:explic|cont|repet|repit)\w* (?:\w+ ){0,3}?a otr[oa] (?:agente|operador|operadora"
    r"|asesor|asesora|persona|departamento)",
    r"(?:volver|volvi|llamar|llame|escribir|escribi|reclamar|reclame) (?:\w+ )?"
    r"(?:una |por )?<ORD_ES> vez",
    r"por <ORD_ES> vez(?:\s*[:,!]| (?:llam|escrib|reclam|contact|tengo|tuve|he tenido|me quejo"
    r"|les|os|se lo|lo)\w*)",
    r"llev(?:o|amos) (?:desde|mas de|casi) |detras de (?:este|esta|esto|ustedes|vosotros)",
    r"(?:pedir|pedi|solicitar|solicite|abrir|abri|poner|puse|otra) otr[oa] (?:visita"
    r"|reclamacion|queja|incidencia|llamada)",
    r"(?:otra|otro) (?:semana|mes|dia) (?:mas )?(?:y|sin)\b|nada ha cambiado|sigue todo igual",
    r"(?:llamadas|correos|quejas|reclamaciones|visitas) y mas (?:llamadas|correos|quejas"
    r"|reclamaciones|visitas)",
    r"(?:tuve|he tenido|tengo|tuvimos) que insistir|a base de insistir",
)

_EN_PRAISE: Final = (
    # Rules that open with a subject share one alternation, so the subject is tried once.
    r"<SUBJECT_EN> (?:(?:always )?(?:was|is|were|are|has been|have been|'s)\s+<INTENSE_EN>"
    r"<PRAISE_EN>\b(?!,? but (?:\w+ )?(?:useless|unhelpful|clueless|incompetent|rude|slow"
    r"|no help|couldn'?t|could not|didn'?t|did not|unable))"
    r"|(?:deserves?|should get|needs) (?:a |an )?(?:raise|promotion|medal|bonus|award"
    r"|pay rise)"
    r"|(?:\w+ ){1,5}?and (?:was|is|were|are|has been)\s+<INTENSE_EN><PRAISE_EN>\b)",
    r"\b(?:he|she) (?:was|is|has been)\s+<INTENSE_EN><PRAISE_EN>\b",
    r"(?:thanks|thank you|thank|many thanks|big thanks|huge thanks|special thanks|kudos"
    r"|shout ?out|props|hats off|compliments|credit|cheers|well done|congratulations"
    r"|congrats|bravo|grateful)(?: (?:so much|very much|again|also|especially))?"
    r" (?:to )?(?:the |your |our |my |that |this )?(?:\w+ ){0,2}?(?:<NAME>|<ROLE_EN>)\b",
    r"(?:<NAME>|<ROLE_EN>) (?:(?:really |truly |totally |certainly )?(?:went|goes|go)"
    r" (?:above and beyond|the extra mile|out of (?:his|her|their|the) way)"
    r"|(?:\w+ )?(?:fixed|sorted|solved|resolved|explained|helped"
    r"|handled|took care of)\b(?: \w+){0,5}? (?:quickly|in (?:\d+|five|ten|two|a few)"
    r" minutes|right away|straight away|immediately|perfectly|clearly|brilliantly"
    r"|patiently|with a smile|in no time|so well|really well|very well|legend)"
    r"|(?:did|does|has done|have done) (?:a |an )?(?:\w+ )?(?:great"
    r"|excellent|fantastic|amazing|brilliant|superb|wonderful|awesome|outstanding|good"
    r"|lovely|top) (?:job|work))",
    r"(?:great|excellent|amazing|fantastic|brilliant|good|superb|outstanding|wonderful"
    r"|awesome|super|lovely|friendly|helpful|kind|polite|patient|professional|knowledgeable"
    r"|courteous|nice|attentive|efficient|caring|very \w+|really \w+)(?: and \w+)?"
    r" (?:customer service |support |sales |delivery )?<ROLE_EN>\b",
    r"(?:great|excellent|amazing|fantastic|brilliant|good|superb|outstanding|wonderful"
    r"|awesome|lovely) (?:\w+ )?(?:job|work|service|help|support|skills|attitude|manner)"
    r" (?:by|from) (?:the |your |our )?(?:whole |entire )?(?:\w+ )?(?:<NAME>|<ROLE_EN>)\b",
    r"(?:<NAME>|<ROLE_EN>|he|she) (?:took the time|made my day|was a star|is a star"
    r"|(?:made|making) (?:an |a real |every |a special )?(?:extra )?effort"
    r"|went to (?:great )?lengths"
    r"|(?:did|does|has done) (?:everything|all (?:he|she|they) could|whatever (?:he|she|they)"
    r" could))",
    r"you(?:'re| are) (?:such )?(?:a |an )?(?:star|legend|gem|angel|hero|lifesaver|life saver"
    r"|diamond|credit to)",
    r"they (?:were|are) (?:so |very |extremely |really |super )+(?:polite|courteous|friendly"
    r"|kind|patient|helpful|lovely)",
)

_ES_PRAISE: Final = (
    # Rules that open with a subject share one alternation, so the subject is tried once.
    r"<SUBJECT_ES> (?:(?:siempre )?(?:fue|fueron|es|son|ha sido|han sido|estuvo|estuvieron"
    r"|esta|estan|era|eran|estaba|estaban|se porto|se portaron)\s+<INTENSE_ES><PRAISE_ES>\b"
    r"(?!,? pero (?:\w+ )?(?:inutil|incompetente|no (?:me )?(?:ayudo|supo|pudo|resolvio"
    r"|sirvio)|lent[oa]|sin (?:idea|solucion)))"
    r"|(?:tuvo|tiene|mostro|demostro|puso) (?:mucha|muchisima|una|toda la|gran"
    r"|infinita|mucho|muchisimo|todo el) (?:paciencia|cuidado|amabilidad|tacto|mimo|carino"
    r"|simpatia|profesionalidad|empatia|interes)"
    r"|(?:sabia|sabe) (?:muchisimo|un monton|mucho)"
    r"|(?:hizo|ha hecho) (?:un |todo un )?esfuerzo"
    r"|(?:se )?merecen? (?:un|una) (?:aumento|ascenso|medalla|premio|subida))",
    r"\b(?:ella|ellos|ellas) (?:fue|es|ha sido|estuvo|fueron|son)\s+<INTENSE_ES>"
    r"<PRAISE_ES>\b",
    r"(?:muy|super|sumamente|tan|re|realmente) <PRAISE_ES>,? (?:el|la|los|las|su|sus)"
    r" (?:\w+ )?<ROLE_ES>\b",
    r"<ROLE_ES>,? (?:muy|super|sumamente|tan|re|realmente|todo|toda|siempre)"
    r" (?:muy |super )?<PRAISE_ES>\b",
    r"(?<!\bno )(?<!\bun )(?<!\buna )(?:excelente|estupend[oa]|magnific[oa]|fantastic[oa]|gran"
    r"|buen[oa]?|genial|increible|amable|simpatic[oa]|atent[oa]|profesional|majo|maja) <ROLE_ES>\b",
    r"<ROLE_ES> (?:amable|atent[oa]|simpatic[oa]|encantador[a]?|servicial|majo|maja"
    r"|educad[oa]|cordial|profesional|excelente|genial|brillante|estupend[oa]|increible"
    r"|fantastic[oa]|de diez|top)\b",
    r"(?:<NAME>|<ROLE_ES>|ella) (?:hizo|ha hecho|hace) (?:todo lo posible|todo lo que pudo"
    r"|lo imposible|lo indecible)",
    r"(?:muy )?(?:buen|gran|excelente|estupendo|magnifico|fantastico|increible)"
    r" (?:trabajo|trato|servicio|atencion|labor|disposicion|actitud) (?:de|del|de la"
    r"|de los|de las|por parte de(?:l| la)?) (?:\w+ )?(?:<NAME>|<ROLE_ES>)\b",
    r"(?:la )?(?:atencion|trato|trabajo|ayuda|amabilidad|paciencia|profesionalidad"
    r"|disposicion) (?:de|del|de la) (?:\w+ )?(?:<NAME>|<ROLE_ES>) (?:fue|es|ha sido)"
    r" (?:muy |super )?(?:excelente|buen[oa]|genial|estupend[oa]|increible|de diez"
    r"|impecable|maravillos[oa]|fantastic[oa])",
    r"(?:gracias|agradecimiento|agradecer|agradezco|felicitaciones|felicitar|felicito"
    r"|felicidades|enhorabuena|un saludo|saludos|un aplauso|aplausos|chapo|chapeau"
    r"|un diez|un 10|reconocimiento)(?: (?:especialmente|especial|de corazon|enormemente"
    r"|mucho|infinitas))? (?:a |al |a la |a los |a las |por |para )?(?:el |la |los |las "
    r"|su |sus |mi |nuestro |nuestra )?(?:\w+ )?(?:<NAME>|<ROLE_ES>)\b",
    r"(?:es usted|eres|sois|son ustedes) (?:un|una) (?:sol|amor|encanto|crack|cielo|genio"
    r"|angel|fenomeno|maquina|joya)",
    r"agradecid[oa]s? (?:a |al |a la |con (?:el |la )?)(?:\w+ )?(?:<NAME>|<ROLE_ES>)\b",
    r"(?:den|denle|dale|dadle|transmitan|trasladen|hagan llegar) (?:mis |las |mi )?"
    r"(?:gracias|agradecimiento|felicitaciones|enhorabuena)",
    r"(?:<NAME>|<ROLE_ES>)(?: se (?:desvivio|desvive|esmero|esmera|volco|lucio|porto (?:genial"
    r"|de maravilla|muy bien|fenomenal|de diez))"
    r"| (?:hizo|ha hecho|hace) (?:un )?(?:trabajo|labor) (?:\w+ )?"
    r"(?:fantastic[oa]|excelente|estupend[oa]|genial|impecable|increible|perfecto"
    r"|magnifico)"
    r"|,?(?: (?:el|la) (?:de|del) \w+(?: \w+)?,)? (?:me |nos |lo |la )?"
    r"(?:lo |la )?(?:arreglo|soluciono|resolvio|explico|ayudo|atendio|gestiono|tramito"
    r"|arreglaron|solucionaron|resolvieron|ayudaron|atendieron)\b(?: \w+){0,5}?"
    r" (?:de maravilla|genial|perfectamente|muy bien|super bien|enseguida|en (?:\d+|cinco"
    r"|diez|dos|pocos) minutos|rapidisimo|con (?:mucha |gran |toda la )?(?:paciencia"
    r"|amabilidad|claridad|carino|simpatia|profesionalidad)|un genio|un fenomeno|un crack"
    r"|un sol|muchisimo|de lujo|al momento|a la primera))",
    r"(?:fueron|fue|son|estuvieron|estuvo|todos|todas) (?:muy |super |sumamente |tan "
    r"|realmente )*(?:amables?|atent[oa]s?|simpatic[oa]s?|serviciales?|educad[oa]s?"
    r"|maj[oa]s?|encantador(?:es|as|a)?|cordiales?)",
)


#: Praise of someone whose name is not in `FIRST_NAMES`: a capitalised word in the text as
#: written, with a predicate only a person takes ("Thanks Jamal", "Gareth went out of his way").
_CAPITALISED_NAME: Final = (
    # Not the nouns that open a sentence about the service itself ("Service is friendly").
    r"(?=(?-i:[A-Z]))(?!(?:Service|Servicio|Support|Soporte|Delivery|Food|Comida|Everything|Todo|Price|Precio"
    r"|Quality|Calidad|Store|Tienda|Shop|Hotel|Room|Habitaci[oó]n|App|Website|Web|Company"
    r"|Empresa|Bank|Banco|Process|Proceso|Experience|Experiencia|Atmosphere|Ambiente|Place"
    r"|Lugar|Restaurant|Restaurante|Attention|Atenci[oó]n|Trato|Treatment|Customer|Cliente"
    r"|Overall|General|It|This|That|Esto|Eso|Everyone|Todos|Staff|Personal)\b)"
    r"(?-i:[A-Z][a-zà-ÿ]{2,})\b"
)
_CAPITALISED_PRAISE: Final = (
    r"(?:thanks|thank you|many thanks|kudos to|shout ?out to|props to|hats off to|gracias"
    r"|gracias a|muchas gracias a|felicidades a|felicitaciones a|un saludo a|saludos a),? "
    r"(?!(?-i:God|Dios|Again|You|For|Por|So|Very|Much|Anyway|Everyone|Everybody|Todos))"
    + _CAPITALISED_NAME,
    _CAPITALISED_NAME + r" (?:went|goes|go) (?:above and beyond|the extra mile|out of"
    r" (?:his|her|their) way)",
    _CAPITALISED_NAME + r"(?: (?:from|at|in|on) (?:the )?\w+(?: \w+){0,2}?)?"
    r" (?:was|is|has been) (?:(?:so|very|really|super|extremely|incredibly|always)\s+)*"
    r"(?:patient|polite|kind(?! of)|friendly|courteous|knowledgeable|caring|considerate"
    r"|understanding|empathetic|respectful|attentive|charming|a star|a legend|a gem"
    r"|a delight|a pleasure|an angel|a hero|a lifesaver)\b",
    _CAPITALISED_NAME + r",? (?:fue|es|estuvo|ha sido) (?:(?:muy|super|súper|tan|realmente"
    r"|siempre)\s+)*(?:amable|simp[aá]tic[oa]|atent[oa]|educad[oa]|maj[oa]"
    r"|paciente|servicial|cariños[oa]|un sol|un amor|un encanto|un crack|una crack"
    r"|un cielo)\b",
    _CAPITALISED_NAME + r" (?:hizo todo lo posible|se desvivi[oó]|did everything)",
)


#: Leaving for a named competitor: "switching to Virgin Media", "me paso a Vodafone".
_CAPITALISED_CHURN: Final = (
    r"(?:switch(?:ing|ed)?|port(?:ing|ed)?(?: my number)?|(?:moving|taking|took|take|move)"
    r" (?:my|our) (?:business|custom|money|mortgage|accounts?|lines?)|me paso|me cambio"
    r"|me he pasado|me he cambiado|me marcho|me largo|pasarme|cambiarme|nos pasamos"
    r"|nos cambiamos|me pase|me cambie|me pasé|me cambié) (?:over )?(?:to|a|con) "
    + _CAPITALISED_NAME
)


def _expand(pattern: str) -> str:
    """Substitute the shared fragments (subjects first: they hold other fragments)."""
    pattern = pattern.replace("<SUBJECT_EN>", _SUBJECT_EN).replace("<SUBJECT_ES>", _SUBJECT_ES)
    extra = {
        "<CONTACT_EN>": _CONTACT_EN,
        "<COUNT_EN>": _COUNT_EN,
        "<ORD_EN>": _ORDINAL_EN,
        "<COUNT_ES>": _COUNT_ES,
        "<ORD_ES>": _ORDINAL_ES,
    }
    for key, value in {**_FRAGMENTS, **extra}.items():
        pattern = pattern.replace(key, value)
    return pattern


#: The rules, per language and statement, as written (before fragments are substituted).
RULES: Final[Mapping[str, Mapping[Intent, tuple[str, ...]]]] = {
    "en": {
        Intent.CHURN: _EN_CHURN,
        Intent.NOT_HEARD: _EN_NOT_HEARD,
        Intent.REPEAT_CONTACT: _EN_REPEAT,
        Intent.PRAISE_PERSON: _EN_PRAISE,
    },
    "es": {
        Intent.CHURN: _ES_CHURN,
        Intent.NOT_HEARD: _ES_NOT_HEARD,
        Intent.REPEAT_CONTACT: _ES_REPEAT,
        Intent.PRAISE_PERSON: _ES_PRAISE,
    },
}

_PRAISE_WORDS_ES: Final = (
    "amable amables atento atenta atentos atentas simpatico simpatica simpaticos simpaticas "
    "servicial serviciales educado educada educados educadas majo maja majos majas encantador "
    "encantadora encantadores encantadoras cordial cordiales profesional profesionales"
)
#: Gate: a statement's rules run only if the answer has one of these words. An entry of up to
#: four letters matches any word that starts with it ("canc": cancel, cancelled), a longer one
#: only that word; "#" is any digit. Each rule contributes the words of one slot it cannot
#: match without, so the gate never changes a result (tests compare gated and ungated
#: detection), it only skips work.
_TRIGGERS: Final[Mapping[str, Mapping[Intent, str]]] = {
    "en": {
        Intent.CHURN: (
            "canc clos dele term end endi swit movi move taki take took tran port leav out done "
            "neve comi back retu rene usin shop orde buyi flyi stay cont cust last agai anym fore "
            "prov carr bank insu comp supp oper netw airl stor brok isp unsu else gone chan went "
            "some subs plan agre lost pac numb expe fini thro fina penn cent dime poun doll euro "
            "offe deal pric rate quot auto good"
        ),
        Intent.NOT_HEARD: (
            "nobo one noon none anyo anyb list numb stat idio nuis crim liar trea igno deaf wall "
            "hole brus fobb dism hung hang over inte let feel felt care repl resp answ call ackn "
            "back unan addr read get retu ther exis matt coun pret nowh void both pers soul agen "
            "myse ours made make atte vani disa unre thin cut stup chil lyin dumb thic noth "
            "invi prob inco wast foll damn toss hoot monk bin tras rubb garb shre ask aske lack "
            "cann gene temp copy stoc scri"
        ),
        Intent.REPEAT_CONTACT: (
            "seco # thir four fift sixt umpt nth tent hund mill time occa twic agai back over "
            "ever each keep kept circ runa run depa pers agen pill chas stil wait anot befo last "
            "alre repo repe peop reps repr advi tick comp call phon emai visi atte trie chat mond "
            "tues wedn thur frid satu sund days week mont chan desp star begi scra once"
        ),
        # Every praise rule needs a name or a role (added in _build_gate) or one of these.
        Intent.PRAISE_PERSON: "he she they you you' effo leng",
    },
    "es": {
        Intent.CHURN: (
            "baja canc anul resc cerr cier fina elim borr vuel volv nunc ulti comp otra otro banc "
            "oper prov aseg empr aero elec enti segu tien fibr tele marc pase fui fuim pasa quie "
            "quer busc enco mira port clie ido voy vamo larg irme irno perd adio cuen vera reno "
            "renu dejo deja camb term espe ulti fina euro cent duro peso"
        ),
        Intent.NOT_HEARD: (
            "igno sent sien nadi caso escu leer pare sord igua mism impo expl habl term acab pala "
            "colg resp cont llam devo mole dign preo pers agen corr solo sola perd desp seri aten "
            "miro mira pasa paso larg ning exis trat nume tick expe olvi saco desa pier qued mita "
            "fuer fues acus preg pape basu trit vaci reci falt ause inte nulo cero razo enla gene "
            "plan copi tipo esta enci"
        ),
        Intent.REPEAT_CONTACT: (
            "vez segu terc cuar quin sext enes # vece mism vuel volv depa alla lado nuev dia sigo "
            "sigu cont toda aun llev espe llam corr recl quej inci visi emai mens avis tick agen "
            "oper ases otra otro cada ya lune mart mier juev vier saba domi dura insi detr camb "
            "dias pers"
        ),
        Intent.PRAISE_PERSON: (
            "ella ellos ellas den denl dale dadl tran tras haga posi pudo impo inde sol amor "
            "enca crac ciel geni ange feno maqu joya " + _PRAISE_WORDS_ES
        ),
    },
}


#: The same gate for the rules read on the text as written (see `_CAPITALISED_PRAISE`).
_AS_WRITTEN = "as_written"
_AS_WRITTEN_TRIGGERS: Final[Mapping[Intent, str]] = {
    Intent.PRAISE_PERSON: (
        "than kudo shou prop hats grac much feli salu abov extr way pati poli kind frie cour "
        "know cari cons unde empa resp atte char star lege gem deli plea ange hero life amab "
        "simp aten educ enca maj maja majo paci serv sol amor crac ciel posi desv ever"
    ),
    Intent.CHURN: "swit port movi taki took take move paso camb marc larg pasa pase",
}


def _build_gate() -> dict[str, frozenset[tuple[str, Intent]]]:
    gate: dict[str, set[tuple[str, Intent]]] = {}
    for intent, words in _AS_WRITTEN_TRIGGERS.items():
        for key in words.split():
            gate.setdefault(key, set()).add((_AS_WRITTEN, intent))
    for language, triggers in _TRIGGERS.items():
        for intent, words in triggers.items():
            keys = set(words.split())
            if "#" in keys:
                keys = (keys - {"#"}) | set("0123456789")
            if intent is Intent.PRAISE_PERSON:
                roles = _ROLE_WORDS_EN if language == "en" else _ROLE_WORDS_ES
                keys |= FIRST_NAMES | {word.split()[-1] for word in roles}
            for key in keys:
                gate.setdefault(key, set()).add((language, intent))
    return {key: frozenset(value) for key, value in gate.items()}


#: Words as the gate reads them; a number is read digit by digit, so "#" in the triggers
#: stands for the ten digits.
_GATE_WORD: Final = re.compile(r"[a-z][a-z']*|[0-9]")

#: Words that negate the statement right after them ("n't" endings count too).
_NEGATIONS: Final = _words(
    "not no never without dont wont cant didnt wouldnt doesnt isnt wasnt nunca jamas ni "
    "tampoco sin ningun ninguna almost nearly casi estuve estuvimos if si"
)
#: Small words allowed between a negation and the statement it negates.
_FILLERS: Final = _words(
    "i i'm im i'll i'd we we're we'll will would am is are be was were going gonna to want "
    "plan plans planning intend intention of even ever really think thinking have has had any "
    "did do does once way reason time just yet at all about considering "
    "me te se lo la le les nos voy vamos va a de que pienso quiero tengo intencion planes "
    "una sola vez momento en yo nosotros ganas motivo razon por ahora he estoy estamos estaba "
    "loco loca broma muerto muerta punto"
)
_MAX_FILLERS: Final = 5
_TOKEN: Final = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
_LOOKBACK_CHARS: Final = 60


#: A match must end where a word ends (or after punctuation): "chasing the" is not "chasing
#: their", "de mi" is not "de mis".
_WORD_END: Final = r"(?:(?<=\w)\b|(?<!\w))"


def _compile(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(_expand(p) for p in patterns) + ")" + _WORD_END)


def _compile_as_written(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + ")" + _WORD_END, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Compiled:
    rules: Mapping[str, tuple[tuple[Intent, re.Pattern[str]], ...]]
    #: Rules read on the text as written, where capitals mark a name (any language).
    capitalised: tuple[tuple[Intent, re.Pattern[str]], ...]
    gate: Mapping[str, frozenset[tuple[str, Intent]]]


@cache
def _compiled() -> _Compiled:
    """Compile the rules once, on first use (about 0.4 s), not at import."""
    return _Compiled(
        rules={
            language: tuple((intent, _compile(patterns)) for intent, patterns in rules.items())
            for language, rules in RULES.items()
        },
        capitalised=(
            (Intent.PRAISE_PERSON, _compile_as_written(_CAPITALISED_PRAISE)),
            (Intent.CHURN, _compile_as_written((_CAPITALISED_CHURN,))),
        ),
        gate=_build_gate(),
    )


def warm_up() -> None:
    """Compile the rules now instead of on the first answer (forked workers then share them)."""
    _compiled()


def fold(text: str) -> str:
    """Return text lower-cased with accents and curly apostrophes folded, as rules see it."""
    lowered = text.lower()
    return lowered if lowered.isascii() else lowered.translate(_FOLD)


def _negated(text: str, start: int) -> bool:
    """Return whether a negation word stands just before position `start` of folded text."""
    window_start = max(0, start - _LOOKBACK_CHARS)
    tokens = _TOKEN.findall(text, window_start, start)
    if window_start > 0 and tokens:
        tokens = tokens[1:]  # the first token may be cut in half
    for fillers, token in enumerate(reversed(tokens)):
        if token.replace("'", "") in _NEGATIONS or token.endswith("n't"):
            return True
        if token not in _FILLERS or fillers == _MAX_FILLERS:
            return False
    return False


def _found(pattern: re.Pattern[str], text: str) -> bool:
    return any(not _negated(text, match.start()) for match in pattern.finditer(text))


def detect(text: str, language: str | None = None) -> frozenset[Intent]:
    """Return the statements in one answer ("en" / "es": that language's rules; else both)."""
    return _detect(text, language, gated=True)


def _detect(text: str, language: str | None, *, gated: bool) -> frozenset[Intent]:
    compiled = _compiled()
    folded = fold(text)
    found: set[Intent] = set()
    codes = (language,) if language in RULE_LANGUAGES else RULE_LANGUAGES
    wanted: set[tuple[str, Intent]] = set()
    if gated:
        words = _GATE_WORD.findall(folded)
        for key in {*words, *(word[:4] for word in words)}:
            wanted.update(compiled.gate.get(key, ()))
    for code in codes:
        for intent, pattern in compiled.rules[code]:
            if gated and (code, intent) not in wanted:
                continue
            if intent not in found and _found(pattern, folded):
                found.add(intent)
    for intent, pattern in compiled.capitalised:
        if gated and (_AS_WRITTEN, intent) not in wanted:
            continue
        if intent not in found and _found_as_written(pattern, text, folded):
            found.add(intent)
    return frozenset(found)


def _found_as_written(pattern: re.Pattern[str], text: str, folded: str) -> bool:
    # Folding keeps positions unless lower() changed the length (rare letters such as "İ").
    aligned = len(folded) == len(text)
    return any(
        not (aligned and _negated(folded, match.start())) for match in pattern.finditer(text)
    )


def detect_many(
    texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> list[frozenset[Intent]]:
    """Return the statements found in each answer, in order, as `detect` would."""
    if languages is None:
        return [detect(text) for text in texts]
    if len(languages) != len(texts):
        raise ValueError(f"{len(languages)} languages given for {len(texts)} texts")
    return [detect(text, code) for text, code in zip(texts, languages, strict=True)]


__all__ = [
    "FIRST_NAMES",
    "RULES",
    "RULE_LANGUAGES",
    "Intent",
    "detect",
    "detect_many",
    "fold",
    "warm_up",
]
