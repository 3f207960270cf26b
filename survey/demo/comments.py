"""Hand-written customer comments for the demo, and how they are combined into free text.

The bank is grouped by theme and polarity so the generator can make comments agree with the
scores around them. Spanish sentences marked ``[ES]`` use Spain's phrasing and ``[LA]`` Latin
American phrasing; unmarked ones read naturally in both. Comments are 1-3 sentences, with the
odd typo, missing accent, lower-case line or emoji that real answers have.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

POSITIVE = 1
NEGATIVE = -1

#: Themes a demo touchpoint is usually about; other themes turn up less often.
THEMES = (
    "wait",
    "kindness",
    "resolution",
    "passed_around",
    "refund",
    "delivery",
    "app",
    "billing",
    "onboarding",
    "listened",
)

SPANISH: dict[tuple[str, int], tuple[str, ...]] = {
    ("wait", POSITIVE): (
        "Me atendieron enseguida, casi sin esperar.",
        "La espera fue mínima, en dos minutos ya estaba hablando con alguien.",
        "Contestaron el correo el mismo día.",
        "Me sorprendió lo rápido que respondieron.",
        "No tuve que esperar nada al teléfono.",
        "El chat respondió en menos de un minuto.",
        "Respondieron mucho antes de lo que esperaba.",
        "[ES] Me cogieron el teléfono a la primera.",
        "[LA] Me contestaron rapidísimo, ni tiempo de esperar.",
    ),
    ("wait", NEGATIVE): (
        "Estuve más de cuarenta minutos esperando al teléfono.",
        "Tardaron cinco días en contestar un simple correo.",
        "La espera fue eterna.",
        "Me dejaron en espera con la musiquita durante media hora.",
        "Tuve que escribir tres veces antes de que alguien me respondiera.",
        "El chat dice que responde en minutos, pero tardó horas.",
        "Deberían responder antes, una semana para un correo es demasiado.",
        "[ES] Llevo una semana esperando a que me llaméis.",
        "[LA] Se demoraron demasiado en responder.",
        "[LA] Me tuvieron esperando en la línea casi una hora.",
    ),
    ("kindness", POSITIVE): (
        "La persona que me atendió fue muy amable.",
        "La agente tuvo mucha paciencia conmigo.",
        "El chico del chat me lo explicó todo con calma.",
        "Trato excelente de principio a fin.",
        "Se nota que les importa el cliente.",
        "Me trataron con mucho respeto.",
        "Muy educados y cercanos.",
        "[ES] Un trato de diez, muy majos todos.",
        "[LA] Súper amables, muchas gracias por la atención.",
        "[LA] La señorita que me atendió fue un amor.",
    ),
    ("kindness", NEGATIVE): (
        "Me hablaron de malas maneras.",
        "Se notaba que tenía prisa por colgar.",
        "La persona del chat respondía con frases copiadas sin leer lo que le decía.",
        "Me trataron como si yo tuviera la culpa.",
        "Nadie se disculpó por las molestias.",
        "Me colgaron a mitad de la conversación.",
        "Respuestas frías y automáticas.",
        "[ES] El que me atendió fue bastante borde.",
        "[LA] La señorita que me atendió fue muy grosera.",
    ),
    ("resolution", POSITIVE): (
        "Me resolvieron el problema en una sola llamada.",
        "Problema solucionado a la primera.",
        "Todo quedó arreglado en el momento.",
        "Por fin funciona todo como debe.",
        "Me dieron una solución clara y funcionó.",
        "Me explicaron exactamente qué había pasado y cómo arreglarlo.",
        "Resolvieron algo que llevaba semanas dándome problemas.",
        "[ES] Me lo dejaron todo solucionado en un periquete.",
        "[LA] Me solucionaron todo rapidito.",
    ),
    ("resolution", NEGATIVE): (
        "El problema sigue sin resolverse.",
        "Me cerraron la incidencia sin haberla solucionado.",
        "No me dieron ninguna solución.",
        "Me dijeron que ya estaba arreglado y no era verdad.",
        "Sigo exactamente igual que al principio.",
        "Tres llamadas y todavía nada.",
        "Cerraron el ticket sin preguntarme si estaba resuelto.",
        "[ES] Me dijeron que lo miraban y hasta hoy.",
        "[LA] Me dijeron que ya lo resolvían y nada.",
    ),
    ("passed_around", POSITIVE): (
        "Una sola persona se encargó de todo, sin pasarme de un lado a otro.",
        "No tuve que repetir mi caso a nadie.",
        "Me pasaron directamente con el departamento correcto.",
        "Tenían todo mi historial y no tuve que explicar nada otra vez.",
        "El mismo agente me hizo el seguimiento hasta el final.",
        "Me derivaron rápido a quien sabía del tema.",
        "[ES] Por una vez no me marearon de un departamento a otro.",
        "[LA] Me atendió la misma persona todo el tiempo, eso se agradece.",
    ),
    ("passed_around", NEGATIVE): (
        "Me pasaron de un departamento a otro sin que nadie se hiciera cargo.",
        "Tuve que contar lo mismo a cuatro personas distintas.",
        "Cada agente me decía una cosa diferente.",
        "Me transfirieron tres veces y al final se cortó la llamada.",
        "Nadie sabía a quién le tocaba mi caso.",
        "Me mandaron a la tienda y en la tienda me mandaron otra vez aquí.",
        "Cada vez que llamo tengo que empezar de cero.",
        "[ES] Me estuvieron mareando de un sitio a otro toda la mañana.",
        "[LA] Me pasaban de un área a otra y nadie me daba razón.",
    ),
    ("refund", POSITIVE): (
        "El reembolso llegó en dos días.",
        "Me devolvieron el dinero sin poner pegas.",
        "La devolución fue muy sencilla.",
        "Me abonaron la diferencia sin tener que pedirlo dos veces.",
        "Gestionaron el cambio de producto sin problemas.",
        "Me ofrecieron un reembolso antes de que lo pidiera.",
        "[ES] Me hicieron la devolución en la tarjeta enseguida.",
        "[LA] Me regresaron el dinero rapidísimo.",
    ),
    ("refund", NEGATIVE): (
        "Sigo esperando el reembolso desde hace un mes.",
        "Me pusieron mil excusas para no devolverme el dinero.",
        "La devolución es un proceso larguísimo y confuso.",
        "Me cobraron el envío de la devolución sin avisar.",
        "Me ofrecieron un vale en vez de devolverme el dinero.",
        "Nadie me sabe decir cuándo llegará el reembolso.",
        "[ES] Me dijeron que el abono tardaría una semana y ya van tres.",
        "[LA] Todavía no me regresan mi dinero.",
    ),
    ("delivery", POSITIVE): (
        "El pedido llegó antes de la fecha prevista.",
        "El paquete llegó perfecto y bien embalado.",
        "El repartidor fue muy atento.",
        "Pude seguir el envío en todo momento.",
        "Entrega puntual, como me dijeron.",
        "Me avisaron por SMS justo antes de llegar.",
        "[ES] El mensajero llegó a la hora que dijeron.",
        "[LA] El paquete llegó rapidísimo, antes de lo que pensaba.",
    ),
    ("delivery", NEGATIVE): (
        "El pedido llegó con una semana de retraso.",
        "El paquete llegó roto.",
        "Marcaron el pedido como entregado y no había llegado nada.",
        "Faltaba un artículo en la caja.",
        "El seguimiento no se actualizó en cuatro días.",
        "Me cambiaron la fecha de entrega tres veces.",
        "Tuve que quedarme en casa toda la mañana para nada.",
        "[ES] El mensajero dejó el paquete en la portería sin avisar.",
        "[LA] El repartidor nunca llegó y dijeron que no había nadie en casa.",
    ),
    ("app", POSITIVE): (
        "La app es muy fácil de usar.",
        "Desde la web lo pude hacer todo en un par de minutos.",
        "La nueva versión de la aplicación va mucho mejor.",
        "Encontré todo lo que necesitaba en el área de cliente.",
        "El chat de la web funciona muy bien.",
        "La página está muy clara.",
        "[ES] Desde el móvil se gestiona todo muy fácil.",
        "[LA] Desde el celular pude hacer todo sin complicaciones.",
    ),
    ("app", NEGATIVE): (
        "La app se cierra sola cada vez que intento pagar.",
        "La web da error al iniciar sesión.",
        "No hay forma de encontrar la opción de cancelar en la web.",
        "El formulario de contacto no funciona.",
        "La contraseña nueva nunca llega al correo.",
        "Tuve que llamar porque la web no me dejaba hacer nada.",
        "Cada actualización de la app lo empeora.",
        "[ES] Desde el ordenador la web va lentísima.",
        "[LA] La aplicación no abre en mi celular.",
    ),
    ("billing", POSITIVE): (
        "Me explicaron la factura punto por punto.",
        "Corrigieron el cargo duplicado enseguida.",
        "Ahora la factura es mucho más clara.",
        "Me ajustaron el plan a lo que de verdad uso.",
        "Me aplicaron el descuento que me habían prometido.",
        "Cambiar la forma de pago fue muy fácil.",
        "[ES] Me anularon el recibo mal cobrado sin discutir.",
        "[LA] Me corrigieron el cobro sin ningún problema.",
    ),
    ("billing", NEGATIVE): (
        "Me cobraron dos veces el mismo mes.",
        "La factura no se entiende.",
        "Me subieron la cuota sin avisar.",
        "Sigo pagando un servicio que di de baja.",
        "Nadie me explica de dónde sale este cargo.",
        "El descuento prometido no aparece en la factura.",
        "[ES] Me pasaron un recibo que no correspondía.",
        "[LA] Me siguen cobrando algo que ya cancelé.",
    ),
    ("onboarding", POSITIVE): (
        "La sesión de bienvenida me aclaró muchas dudas.",
        "La formación inicial fue muy útil.",
        "En una hora teníamos todo configurado.",
        "Nos guiaron paso a paso con la puesta en marcha.",
        "La persona de onboarding conocía muy bien el producto.",
        "Nos mandaron un resumen con los siguientes pasos, muy práctico.",
        "[ES] La llamada de arranque nos vino genial.",
        "[LA] La capacitación estuvo muy completa.",
    ),
    ("onboarding", NEGATIVE): (
        "La llamada de bienvenida fue demasiado rápida y quedaron muchas dudas.",
        "Nos explicaron cosas que no tenían nada que ver con nuestro caso.",
        "Después de la formación nadie nos volvió a contactar.",
        "La configuración inicial nos llevó días.",
        "Falta documentación para empezar.",
        "Nos prometieron una segunda sesión que nunca llegó.",
        "[ES] La sesión de arranque se canceló dos veces.",
        "[LA] La capacitación fue muy general y no nos sirvió.",
    ),
    ("listened", POSITIVE): (
        "Sentí que de verdad me escuchaban.",
        "Tomaron nota de mi sugerencia y me dieron las gracias.",
        "Entendieron mi problema a la primera.",
        "Me dejaron explicarme sin interrumpirme.",
        "Por fin alguien que entiende lo que le digo.",
        "Me preguntaron cómo podían mejorar.",
        "[ES] Se agradece que te escuchen de verdad.",
        "[LA] Se nota que sí les importa lo que uno dice.",
    ),
    ("listened", NEGATIVE): (
        "No me escucharon, solo querían cerrar la llamada.",
        "Me interrumpían todo el rato.",
        "Da igual lo que digas, tienen un guion y no salen de ahí.",
        "Nadie tomó en serio mi queja.",
        "Me respondieron algo que no tenía nada que ver con lo que pregunté.",
        "Mis quejas anteriores no sirvieron de nada.",
        "[ES] Parece que hablas con una pared.",
        "[LA] Sentí que le hablaba a la pared.",
    ),
    ("general", POSITIVE): (
        "Nada, todo perfecto.",
        "Nada que mejorar, gracias.",
        "Todo muy bien.",
        "Muy contento con el servicio.",
        "Repetiré sin duda.",
        "Gracias por todo.",
        "[ES] Seguid así.",
        "[LA] Sigan así, excelente servicio.",
    ),
    ("general", NEGATIVE): (
        "Muy decepcionado con el servicio.",
        "No pienso volver a comprar aquí.",
        "Mal servicio en general.",
        "Voy a buscar otra empresa.",
        "Pésima experiencia.",
        "[ES] Antes erais mucho mejores.",
        "[LA] Antes eran mucho mejores.",
    ),
    # Customers of a team that chases scores sometimes say so.
    ("pressure", NEGATIVE): (
        "El agente me pidió que pusiera un 10.",
        "Pongo un 10 porque me lo pidieron, pero no me solucionaron nada.",
        "Me dijeron que si no ponía un 10 les penalizaban.",
        "Me mandaron la encuesta mientras seguía al teléfono con ellos.",
        "[ES] Me insistieron en que pusiera la nota máxima.",
        "[LA] Me pidieron de favor que calificara con 10.",
    ),
}

ENGLISH: dict[tuple[str, int], tuple[str, ...]] = {
    ("wait", POSITIVE): (
        "Someone picked up almost straight away.",
        "Barely any wait, I was talking to a person within two minutes.",
        "They answered my email the same day.",
        "I was surprised how quickly they got back to me.",
        "No hold time at all.",
        "The chat replied in under a minute.",
        "Got a reply much sooner than I expected.",
        "Quick response, which I really appreciated.",
    ),
    ("wait", NEGATIVE): (
        "I was on hold for over forty minutes.",
        "It took five days to answer a simple email.",
        "The wait was endless.",
        "Half an hour listening to hold music.",
        "I had to write three times before anyone replied.",
        "The chat says replies take minutes, it took hours.",
        "Answer faster, a week for an email is too long.",
        "Still waiting for the callback I was promised.",
        "Nobody picked up the phone for ages.",
    ),
    ("kindness", POSITIVE): (
        "The person who helped me was really kind.",
        "The agent was very patient with me.",
        "The chat agent explained everything calmly.",
        "Excellent service from start to finish.",
        "You can tell they care about their customers.",
        "They treated me with a lot of respect.",
        "Friendly and polite the whole time.",
        "Lovely agent, made a stressful day much easier.",
    ),
    ("kindness", NEGATIVE): (
        "The agent was quite rude.",
        "It felt like he wanted to hang up as fast as possible.",
        "The chat agent pasted canned replies without reading what I wrote.",
        "They made me feel like it was my fault.",
        "Nobody apologized for the trouble.",
        "They hung up on me halfway through.",
        "Cold, scripted answers.",
        "Very dismissive tone.",
    ),
    ("resolution", POSITIVE): (
        "They fixed my problem in a single call.",
        "Sorted on the first try.",
        "Everything was fixed right there and then.",
        "Finally everything works as it should.",
        "They gave me a clear fix and it worked.",
        "They explained exactly what went wrong and how to fix it.",
        "They solved something that had been bugging me for weeks.",
        "Issue resolved, thank you.",
    ),
    ("resolution", NEGATIVE): (
        "The problem still isn't fixed.",
        "They closed my ticket without solving anything.",
        "They didn't give me any solution.",
        "I was told it was fixed and it wasn't.",
        "I'm exactly where I started.",
        "Three calls and still nothing.",
        "They closed the ticket without asking if it was resolved.",
        "They said they'd look into it and I never heard back.",
    ),
    ("passed_around", POSITIVE): (
        "One person handled everything, no bouncing around.",
        "I didn't have to repeat my story to anyone.",
        "They put me straight through to the right team.",
        "They had my whole history, so I didn't have to explain again.",
        "The same agent followed up until it was done.",
        "They quickly passed me to someone who knew the topic.",
        "For once I wasn't transferred five times.",
        "Great that one person owned my case.",
    ),
    ("passed_around", NEGATIVE): (
        "I got passed from one department to another and nobody took ownership.",
        "I had to tell the same story to four different people.",
        "Every agent told me something different.",
        "They transferred me three times and then the call dropped.",
        "Nobody knew whose job my case was.",
        "The store sent me to you and you sent me back to the store.",
        "Every time I call I have to start from scratch.",
        "Bounced around all morning.",
    ),
    ("refund", POSITIVE): (
        "The refund arrived in two days.",
        "They refunded me without any fuss.",
        "The return was really easy.",
        "They credited the difference without me having to ask twice.",
        "The exchange was handled smoothly.",
        "They offered a refund before I even asked.",
        "Money back on my card the next day.",
        "Easy returns, no questions asked.",
    ),
    ("refund", NEGATIVE): (
        "Still waiting for my refund after a month.",
        "They came up with every excuse not to refund me.",
        "The return process is long and confusing.",
        "They charged me for return shipping without telling me.",
        "They offered a voucher instead of my money back.",
        "Nobody can tell me when the refund will arrive.",
        "I was told a week for the refund and it's been three.",
        "The refund amount was wrong.",
    ),
    ("delivery", POSITIVE): (
        "The order arrived earlier than expected.",
        "The parcel arrived in perfect condition and well packed.",
        "The driver was very considerate.",
        "I could track the delivery the whole way.",
        "On-time delivery, just as promised.",
        "They texted me right before arriving.",
        "Fast shipping, no complaints.",
        "The courier left it exactly where I asked.",
    ),
    ("delivery", NEGATIVE): (
        "The order arrived a week late.",
        "The package arrived damaged.",
        "It was marked as delivered but nothing came.",
        "One item was missing from the box.",
        "Tracking didn't update for four days.",
        "The delivery date changed three times.",
        "I stayed home all morning for nothing.",
        "The courier left it outside in the rain.",
        "The driver said nobody was home, but I was there all day.",
    ),
    ("app", POSITIVE): (
        "The app is really easy to use.",
        "I did everything on the website in a couple of minutes.",
        "The new version of the app is much better.",
        "I found everything I needed in my account page.",
        "The website chat works really well.",
        "The site is very clear.",
        "Managing everything from my phone is easy.",
        "Love the new self-service page.",
    ),
    ("app", NEGATIVE): (
        "The app crashes every time I try to pay.",
        "The website throws an error when I log in.",
        "There's no way to find the cancel option on the site.",
        "The contact form doesn't work.",
        "The password reset email never arrives.",
        "I had to call because the website wouldn't let me do anything.",
        "Every app update makes it worse.",
        "The site is painfully slow.",
        "The app logs me out constantly.",
    ),
    ("billing", POSITIVE): (
        "They walked me through the invoice line by line.",
        "They fixed the double charge right away.",
        "The invoice is much clearer now.",
        "They moved me to a plan that fits what I actually use.",
        "They applied the discount I had been promised.",
        "Changing my payment method was easy.",
        "Billing question answered in minutes.",
        "They reversed the wrong charge without arguing.",
    ),
    ("billing", NEGATIVE): (
        "I was charged twice for the same month.",
        "The invoice makes no sense.",
        "They raised my price without warning.",
        "I'm still paying for a service I cancelled.",
        "Nobody can explain where this charge comes from.",
        "The promised discount isn't on my bill.",
        "Hidden fees everywhere.",
        "I keep getting billed after cancelling.",
    ),
    ("onboarding", POSITIVE): (
        "The welcome session cleared up a lot of questions.",
        "The initial training was really useful.",
        "We were fully set up within an hour.",
        "They guided us step by step through the setup.",
        "The onboarding specialist knew the product inside out.",
        "They sent a summary with next steps, very handy.",
        "Great kickoff call.",
        "Onboarding was smooth and well organized.",
    ),
    ("onboarding", NEGATIVE): (
        "The welcome call was rushed and left lots of open questions.",
        "They explained things that had nothing to do with our setup.",
        "After the training nobody contacted us again.",
        "The initial setup took us days.",
        "There's not enough documentation to get started.",
        "We were promised a second session that never happened.",
        "The kickoff call was rescheduled twice.",
        "The training was too generic to be useful.",
    ),
    ("listened", POSITIVE): (
        "I felt genuinely listened to.",
        "They noted my suggestion and thanked me for it.",
        "They understood my problem right away.",
        "They let me explain without interrupting.",
        "Finally someone who understands what I'm saying.",
        "They asked me how they could improve.",
        "It's nice to actually be heard.",
        "They took my feedback seriously.",
    ),
    ("listened", NEGATIVE): (
        "They didn't listen, they just wanted to end the call.",
        "I kept getting interrupted.",
        "Whatever you say, they stick to the script.",
        "Nobody took my complaint seriously.",
        "The answer had nothing to do with my question.",
        "My earlier complaints went nowhere.",
        "Felt like talking to a wall.",
        "I don't think anyone read my message.",
    ),
    ("general", POSITIVE): (
        "Nothing, all good.",
        "Nothing to improve, thanks.",
        "All great.",
        "Very happy with the service.",
        "Will definitely use you again.",
        "Thanks for everything.",
        "Keep it up.",
    ),
    ("general", NEGATIVE): (
        "Very disappointed with the service.",
        "I won't be buying from you again.",
        "Poor service overall.",
        "Looking for another provider.",
        "Terrible experience.",
        "You used to be much better.",
    ),
    ("pressure", NEGATIVE): (
        "The agent asked me to give a 10.",
        "Giving a 10 because they asked me to, but nothing was fixed.",
        "I was told they get penalized if I don't give a 10.",
        "They sent the survey while I was still on the phone with them.",
        "They kept insisting I give the top score.",
    ),
}

#: Which themes a touchpoint type usually brings up (the rest appear now and then).
THEMES_BY_TOUCHPOINT: dict[str, tuple[str, ...]] = {
    "ticket_closed": (
        "wait",
        "kindness",
        "resolution",
        "passed_around",
        "refund",
        "app",
        "billing",
        "listened",
    ),
    "order_delivered": ("delivery", "delivery", "refund", "wait", "kindness", "app"),
    "onboarding_call": ("onboarding", "onboarding", "kindness", "listened", "app", "billing"),
}

#: Themes that fit any touchpoint, for the comments that wander off the usual topics.
_ANYWHERE = ("wait", "kindness", "resolution", "listened", "app", "billing")

_CONTRAST = {"es": (" pero ", " aunque ", " eso sí, "), "en": (" but ", " although ", " though ")}
_THANKS = {
    "es": ("Gracias.", "¡Gracias!", "Un saludo.", "Saludos."),
    "en": ("Thanks.", "Thank you!", "Cheers."),
}
_EMOJI = {POSITIVE: ("🙂", "👍", "🙏", "😊"), NEGATIVE: ("😡", "😞", "👎", "🙄")}
_SHORTHAND = {
    "es": ((" que ", " q "), (" porque ", " xq "), (" por favor", " porfa"), (" también", " tb")),
    "en": ((" please", " pls"), (" you ", " u "), (" thanks", " thx"), (" because ", " bc ")),
}
_REGION_MARK = re.compile(r"^\[(ES|LA)\] ")


@dataclass(frozen=True)
class BankSentence:
    """One hand-written sentence with what it is about and how it feels."""

    text: str
    theme: str
    polarity: int
    #: "ES" (Spain), "LA" (Latin America) or "" (any).
    region: str


@cache
def bank(locale: str) -> tuple[BankSentence, ...]:
    """Return every sentence of a language's bank."""
    source = SPANISH if locale == "es" else ENGLISH
    sentences = []
    for (theme, polarity), texts in source.items():
        for raw in texts:
            mark = _REGION_MARK.match(raw)
            region = mark.group(1) if mark else ""
            text = raw[mark.end() :] if mark else raw
            sentences.append(BankSentence(text, theme, polarity, region))
    return tuple(sentences)


@cache
def _by_key(locale: str, region: str) -> dict[tuple[str, int], tuple[str, ...]]:
    grouped: dict[tuple[str, int], list[str]] = {}
    for sentence in bank(locale):
        if sentence.region in ("", region):
            grouped.setdefault((sentence.theme, sentence.polarity), []).append(sentence.text)
    return {key: tuple(texts) for key, texts in grouped.items()}


def compose_comment(
    rng: random.Random,
    *,
    locale: str,
    region: str,
    mood: str,
    touchpoint_type: str,
    pressured: bool = False,
) -> str:
    """Return a free-text comment for a mood (good, mixed, bad) in a customer's own style."""
    language = "es" if locale == "es" else "en"
    sentences = _pick_sentences(rng, language, region, mood, touchpoint_type)
    if pressured:
        pressure = _by_key(language, region)[("pressure", NEGATIVE)]
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(pressure))
    if mood == "mixed" and len(sentences) == 2 and rng.random() < 0.7:
        text = _contrast(sentences[0], sentences[1], rng.choice(_CONTRAST[language]))
    else:
        text = " ".join(sentences)
    if mood == "good" and rng.random() < 0.12:
        text = f"{text} {rng.choice(_THANKS[language])}"
    return _roughen(rng, text, language, POSITIVE if mood == "good" else NEGATIVE)


def _pick_sentences(
    rng: random.Random, language: str, region: str, mood: str, touchpoint_type: str
) -> list[str]:
    if mood == "mixed":
        polarities = [POSITIVE, NEGATIVE] if rng.random() < 0.5 else [NEGATIVE, POSITIVE]
    else:
        polarity = POSITIVE if mood == "good" else NEGATIVE
        count = rng.choices((1, 2, 3), weights=(50, 38, 12) if mood == "good" else (38, 42, 20))[0]
        polarities = [polarity] * count
    grouped = _by_key(language, region)
    usual = THEMES_BY_TOUCHPOINT.get(touchpoint_type, THEMES)
    sentences: list[str] = []
    used: set[str] = set()
    for polarity in polarities:
        if len(polarities) == 1 and rng.random() < 0.22:
            theme = "general"
        else:
            theme = rng.choice(usual) if rng.random() < 0.85 else rng.choice(_ANYWHERE)
        if theme in used:
            theme = rng.choice([t for t in (*usual, *_ANYWHERE) if t not in used])
        used.add(theme)
        sentences.append(rng.choice(grouped[(theme, polarity)]))
    return sentences


def _contrast(first: str, second: str, connector: str) -> str:
    """Join two sentences with "but": "La app va bien, pero el pedido llegó tarde."."""
    starts_lower_safe = second[:1].isupper() and not second.startswith(("I ", "I'", "SMS"))
    if not first.endswith(".") or not starts_lower_safe:
        return f"{first} {second}"
    return f"{first[:-1]},{connector}{second[0].lower()}{second[1:]}"


def _roughen(rng: random.Random, text: str, language: str, polarity: int) -> str:
    """Add the slips people make in a hurry: no capitals or accents, typos, shorthand, emoji."""
    style = rng.random()
    if style < 0.09:
        text = strip_accents(text.lower())
    elif style < 0.15:
        text = text.lower()
    if rng.random() < 0.05:
        text = _swap_letters(rng, text)
    if rng.random() < 0.06:
        for long, short in _SHORTHAND[language]:
            text = text.replace(long, short)
    if rng.random() < 0.1:
        text = text.rstrip(".")
    elif polarity == NEGATIVE and rng.random() < 0.04:
        text = text.rstrip(".") + "!!"
    if rng.random() < 0.03:
        text = f"{text} {rng.choice(_EMOJI[polarity])}"
    return text


def _swap_letters(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    long_words = [i for i, word in enumerate(words) if len(word) > 5 and word.isalpha()]
    if not long_words:
        return text
    index = rng.choice(long_words)
    word = words[index]
    at = rng.randrange(1, len(word) - 2)
    words[index] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words)


def strip_accents(text: str) -> str:
    """Return the text without diacritics, as typed on a phone without them."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", strip_accents(text.lower())))


@cache
def _normalised_bank(locale: str) -> tuple[tuple[str, int], ...]:
    return tuple((_normalise(s.text), s.polarity) for s in bank(locale))


def bank_polarity(text: str, locale: str) -> int:
    """Return the summed polarity of the bank sentences found in a comment (0 when none)."""
    normalised = f" {_normalise(text)} "
    return sum(
        polarity
        for sentence, polarity in _normalised_bank("es" if locale == "es" else "en")
        if f" {sentence} " in normalised
    )
