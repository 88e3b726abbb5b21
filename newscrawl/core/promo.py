"""The site's own promotions around the article text, recognised on a page seen alone.

The template model removes what a site repeats on its pages ("Sign up for our newsletter"),
but only once it has seen some of them. A saved page cleaned alone, or a promotion that
changes with every article ("Follow her on Twitter @name", "Subscribe to the X newsletter")
has nothing to be compared with, so here such text is recognised by what it says and where.

- **Calls to action:** a sentence that opens with an imperative addressed to the reader and
  names what it sells (a newsletter, a social network, an app, a subscription): "Follow us
  on Twitter", "Subscribe to our newsletter", "Click here to get the app", "Write to <name>
  at <address>". Both halves are needed, so article prose that merely mentions a newsletter,
  or begins "Like it or not", is no call to action. The lexicon covers English, German,
  French, Spanish, Portuguese, Italian, Dutch, Polish and Russian; any other language just
  keeps such lines.
- **Tail and head runs:** from the end of the text backwards, calls to action together with
  what can only be the page's furniture there: a heading with nothing of the article after it,
  a label of up to three words ("Comments", "Tags", "Explore further"), a comment policy, a
  copyright line, a tag line ("Filed under: ..."), a comma list after a tag label, a line that
  is a link address with a label ("iTunes: https://..."), an affiliate disclosure ("we may
  earn a commission"). From the start forwards, calls to action, the reading-time label ("5
  min read") and an affiliate disclosure.
- **Teasers after a navigation label:** at the end, a label that names the way to other
  stories ("Previous Article", "Next Article", "Read next", "Lesen Sie auch") with up to
  five headline-like lines after it (short, no full stop): the titles of other articles,
  which a page saved as text keeps without the links that give them away.
- **Bookends:** a short line printed both among the first three blocks and the last three
  before the tail's furniture (a promo above and below the article: "No time to read? Get a
  summary", even with "Previous Article" teasers after the lower one), whatever it says.
- **Elsewhere** only a short block that starts with a call to action goes ("CLICK HERE TO GET
  THE APP" between two paragraphs); a longer paragraph with one in it stays. A paywall's
  notice ("Subscribe to continue reading", "Cet article est réservé aux abonnés") goes
  wherever it stands, when it is a line of its own and not a paragraph.

These are removed only while most of the text stays: a page that is mostly such lines is left
to the article checks, which drop it, rather than emptied here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newscrawl.core.types import Block

__all__ = ["promo_blocks"]

CTA_MAX_WORDS = 60  # a call to action at the edges is a sentence or three, never a paragraph
CTA_INLINE_MAX_WORDS = 20  # between paragraphs: a one-line promo, not a paragraph that has one
LABEL_MAX_WORDS = 3  # "Comments", "Explore further", "Related topics"
LABEL_MAX_CHARS = 32  # and short: a Chinese or Japanese sentence has no spaces to count
TAIL_MAX_LABELS = 2  # more short lines at the end are verse or a list, not leftover labels
HEADING_MAX_WORDS = 12  # a section heading, not a paragraph the extractor marked as one
NOTICE_MAX_WORDS = 40  # a copyright line, a comment policy, a tag line
READING_TIME_MAX_WORDS = 8  # "Tempo de leitura: 2 minutos", "5 min read"
LIST_MIN_COMMAS = 3  # a comma list of tags after a "Tags" label
LIST_MAX_ITEM_WORDS = 6
BOOKEND_BLOCKS = 3  # a promo printed above and below the article: among the first and last 3
BOOKEND_MAX_WORDS = 12
NAV_LABEL_MAX_WORDS = 5  # "Previous Article", "You may also like", "Das könnte Sie interessieren"
NAV_LABEL_MAX_CHARS = 40
TEASER_MAX_LINES = 5  # headlines after one navigation label; more is a list the article has
TEASER_MAX_WORDS = 20  # a headline, not a sentence of the article
MAX_REMOVED_SHARE = 0.5  # remove a run only while more than half of the text stays

_SOCIAL = (
    r"(?:facebook|twitter|x\.com|instagram|youtube|tiktok|linkedin|telegram|whatsapp|pinterest"
    r"|snapchat|threads|mastodon|bluesky|flipboard|google\s+news|@\w)"
)
# Reader-addressed imperatives, each with what it sells; matched at a sentence start.
_CTA_PATTERNS = [
    # English
    r"follow\s+(?:us|me|him|her|them)\b(?:\s+(?:on|at|@)|[.!]|$)",
    rf"follow\s+[^.!?]{{1,60}}?\s+(?:on|at)\s+(?:{_SOCIAL}|https?://)",
    r"follow\s+@\w",
    r"(?:subscribe|sign\s*up|register|join)\b[^.!?]{0,80}?"
    r"(?:newsletter|inbox|youtube|podcast|channel|\b(?:now|today|here)\b)",
    r"get\b[^.!?]{0,80}?(?:delivered\s+(?:to|through|straight|right|every|each|daily|free)"
    r"|\b(?:in|to)\s+your\s+inbox|newsletter|access\s+to\b[^.!?]{0,60}?subscri)",
    r"get\s+(?:the|our)\b[^.!?]{0,40}?\bapp\b",
    r"(?:click|tap)\s+here\b",
    r"(?:download|install)\s+(?:the|our)\b[^.!?]{0,40}?\bapp\b",
    rf"like\s+us\s+on\s+{_SOCIAL}",
    r"like\s+this\s+(?:story|article|post|video)\s*\?",
    r"share\s+(?:this|it)\b[^.!?]{0,40}?(?:friend|\bon\s+|article|story|post)",
    r"(?:e-?mail|write\s+to|reach|contact)\s+[^.!?@]{1,60}?\s+at\s+\S+@\S+",
    r"have\s+a\s+(?:news\s+)?tip\s*\?",
    r"(?:support|fund)\s+(?:our|independent|quality)\s+journalism",
    r"become\s+a\s+(?:member|subscriber|supporter|patron)",
    r"if\s+you\s+(?:enjoyed|liked|appreciated|value)\s+(?:this|our)\s+"
    r"(?:article|story|post|journalism|reporting|work)",
    r"never\s+miss\s+(?:a|an)\s+(?:story|update|thing|beat|episode)",
    # German
    rf"folgen\s+sie\s+(?:uns|[^.!?]{{1,60}}?\s+auf\s+{_SOCIAL})",
    r"abonnieren\s+sie\b",
    r"(?:melden|tragen)\s+sie\s+sich\b[^.!?]{0,60}?newsletter",
    r"(?:jetzt|hier)\s+(?:abonnieren|anmelden|registrieren|herunterladen)\b",
    r"laden\s+sie\s+(?:die|unsere)\b[^.!?]{0,40}?\bapp\b",
    r"klicken\s+sie\s+hier\b",
    r"teilen\s+sie\s+diesen\s+(?:artikel|beitrag)",
    r"unterstützen\s+sie\s+(?:uns|unseren\s+journalismus)",
    # French
    r"suivez[\s-]nous\b",
    r"abonnez[\s-]vous\b",
    r"inscrivez[\s-]vous\b[^.!?]{0,60}?(?:newsletter|lettre)",
    r"téléchargez\s+(?:l['\u2019]|notre\s+)app",
    r"cliquez\s+ici\b",
    r"partagez\s+(?:cet|cette)\s+(?:article|publication)",
    r"recevez\b[^.!?]{0,60}?(?:newsletter|bo[iî]te|e-?mail)",
    r"retrouvez[\s-]nous\s+sur\b",
    # Spanish
    r"s[ií]guenos\b",
    r"suscr[ií]bete\b",
    r"reg[ií]strate\b",
    r"descarga\s+(?:la|nuestra)\s+app",
    r"haz\s+clic\s+aqu[ií]",
    r"comparte\s+(?:este|esta)\s+(?:art[ií]culo|nota|noticia)",
    r"recibe\b[^.!?]{0,60}?(?:bolet[ií]n|newsletter|correo|e-?mail)",
    # Portuguese
    r"siga[\s-]nos\b",
    rf"siga\s+[^.!?]{{1,40}}?\s+n[oa]s?\s+{_SOCIAL}",
    r"assine\b[^.!?]{0,60}?(?:newsletter|já|agora)",
    r"inscreva[\s-]se\b",
    r"cadastre[\s-]se\b",
    r"baixe\s+o\s+(?:nosso\s+)?app",
    r"clique\s+aqui\b",
    r"compartilhe\s+(?:esta|este)\s+(?:not[ií]cia|mat[ée]ria|artigo)",
    r"receba\b[^.!?]{0,60}?(?:e-?mail|newsletter|whatsapp|telegram)",
    # Italian
    r"seguici\b",
    rf"segui\s+[^.!?]{{1,40}}?\s+su\s+{_SOCIAL}",
    r"iscriviti\b",
    r"abbonati\s+(?:a|al|alla|ora|subito|adesso)\b",
    r"scarica\s+(?:l['\u2019]|la\s+nostra\s+)app",
    r"clicca\s+qui\b",
    r"condividi\s+quest",
    r"ricevi\b[^.!?]{0,60}?newsletter",
    # Dutch
    rf"volg\s+(?:ons|[^.!?]{{1,60}}?\s+op\s+{_SOCIAL})",
    r"abonneer\s+(?:je|u)\b",
    r"(?:schrijf|meld)\s+(?:je|u)\s+(?:nu\s+|hier\s+)?(?:in|aan)\b[^.!?]{0,60}?nieuwsbrief",
    r"download\s+(?:de|onze)\b[^.!?]{0,40}?\bapp\b",
    r"klik\s+hier\b",
    r"deel\s+dit\s+(?:artikel|bericht|verhaal)",
    r"ontvang\b[^.!?]{0,60}?(?:nieuwsbrief|inbox|mailbox)",
    # Polish
    r"(?:obserwuj|śledź|polub)\s+nas\b",
    r"zapisz\s+się\b[^.!?]{0,60}?(?:newslett|biuletyn)",
    r"(?:subskrybuj|zasubskrybuj)\b",
    r"pobierz\s+(?:naszą\s+)?aplikacj",
    r"kliknij\s+(?:tutaj|tu)\b",
    r"udostępnij\s+(?:ten\s+artykuł|ten\s+tekst|ten\s+wpis)",
    # Russian
    r"подпи(?:сывайтесь|шитесь|сывайся|шись)\s+на\s+(?:наш|нашу|нас|канал|рассылку|новости|"
    r"telegram|телеграм)",
    r"(?:читайте|смотрите)\s+нас\s+в\b",
    r"следите\s+за\s+нами\b",
    r"присоединяйтесь\s+к\s+нам\b",
    r"(?:скачайте|установите)\s+(?:наше\s+)?приложение",
    r"нажмите\s+(?:здесь|сюда)\b",
    r"поделитесь\s+(?:этой\s+)?(?:статьей|статьёй|новостью|публикацией)",
]
# Bullets, arrows and emoji may lead a call to action; a quotation mark leads someone's words.
_LEAD = r"[^\w\"'\u2018-\u201f\u00ab\u00bb\u2039\u203a(\[]{0,3}"
_CTA_AT_START = re.compile(_LEAD + "(?:" + "|".join(_CTA_PATTERNS) + ")", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?:|…])\s+")
# An invitation to comment ends many a good paragraph; alone on its line it heads the comments.
_COMMENT_PROMPT = re.compile(
    _LEAD + r"(?:(?:leave|post|add|write)\s+a\s+comment|tell\s+us\s+what\s+you\s+think"
    r"|join\s+the\s+(?:discussion|conversation)|what\s+do\s+you\s+think\s*\?"
    r"|kommentieren\s+sie|laissez\s+un\s+commentaire|deja\s+(?:un|tu)\s+comentario"
    r"|deixe\s+(?:um|seu)\s+coment[aá]rio|lascia\s+un\s+commento"
    r"|laat\s+een\s+reactie\s+achter|(?:zostaw|dodaj)\s+komentarz"
    r"|(?:оставьте|напишите)\s+(?:свой\s+)?комментари)",
    re.IGNORECASE,
)

# What a paywall puts where the free part of the text ends; specific enough to match anywhere.
_PAYWALL = re.compile(
    r"(?:subscribe|sign\s+in|log\s+in|register)\s+(?:now\s+|today\s+)?(?:to|for)\s+"
    r"(?:continue\s+reading|keep\s+reading|read\s+(?:the\s+|this\s+)?(?:full|rest|whole|more)"
    r"|unlock|get\s+(?:full|unlimited)\s+access)"
    r"|(?:to|and)\s+(?:continue|keep)\s+reading\b[^.!?]{0,40}?"
    r"(?:subscri|sign\s+(?:in|up)|log\s*in|register|create\s+an|become\s+a)"
    r"|continue\s+reading\s+(?:your\s+article\s+)?with\s+an?\b"
    r"|already\s+(?:a\s+)?(?:subscriber|member|registered)\s*\?"
    r"|already\s+have\s+an\s+account\s*\?"
    r"|(?:this|the\s+rest\s+of\s+this)\s+(?:article|story|content)\s+is\s+(?:only\s+)?"
    r"(?:available|reserved|exclusive)\s+(?:to|for)\s+(?:our\s+)?(?:paying\s+)?"
    r"(?:subscribers|members)"
    r"|(?:you['\u2019]ve|you\s+have)\s+(?:reached|read)\s+(?:your|all\s+your|the)\s+"
    r"(?:limit|free\s+articles?|monthly)"
    r"|(?:artikel|beitrag|inhalt)\s+ist\s+(?:nur\s+|exklusiv\s+)?(?:für|fuer)\s+"
    r"(?:abonnent|plus|mitglied)"
    r"|(?:jetzt|weiter)\s*lesen\s+mit\b|lesen\s+sie\s+(?:jetzt\s+)?weiter\s+mit\b"
    r"|bereits\s+abonnent"
    r"|réservée?s?\s+aux\s+abonnés|il\s+vous\s+reste\s+\d+\s*%\s+de\s+cet\s+article|déjà\s+abonné"
    r"|exclusivo\s+para\s+(?:suscriptores|socios|assinantes)"
    r"|para\s+(?:seguir|continuar)\s+(?:leyendo|lendo)[^.!?]{0,40}?(?:suscr|assin|registr|cadastr)"
    r"|ya\s+eres\s+suscriptor"
    r"|j[áa]\s+[ée]\s+assinante"
    r"|riservat[oa]\s+agli\s+abbonati|per\s+continuare\s+a\s+leggere[^.!?]{0,40}?(?:abbon|registr|accedi)|sei\s+già\s+abbonato"
    r"|(?:alleen|exclusief)\s+(?:beschikbaar\s+)?voor\s+(?:abonnees|leden)"
    r"|(?:lees|verder\s+lezen)\s+(?:verder\s+)?met\s+(?:een\s+)?(?:abonnement|\w+\s*(?:plus|premium))"
    r"|word\s+abonnee\s+om\b|al\s+(?:een\s+)?abonnee\s*\?"
    r"|dostępn[ya]\s+(?:tylko|wyłącznie)\s+dla\s+(?:subskrybentów|prenumeratorów|abonentów)"
    r"|aby\s+czytać\s+dalej[^.!?]{0,40}?(?:subskrypcj|prenumerat|zaloguj|wykup)"
    r"|masz\s+już\s+(?:subskrypcję|prenumeratę|konto)\s*\?"
    r"|доступ(?:ен|на|но)\s+только\s+(?:для\s+)?подписчик"
    r"|чтобы\s+(?:продолжить\s+чтение|читать\s+дальше)[^.!?]{0,40}?(?:подпис|войдите|зарегистр)"
    r"|уже\s+(?:есть\s+подписка|подписаны)\s*\?",
    re.IGNORECASE,
)
# Every notice has one of these: a quick test before the long expression.
_PAYWALL_HINT = re.compile(
    r"subscri|abonn|assina|suscri|member|regist|sign\s+in|log\s*in|reading|reached|lesen|réserv"
    r"|reste|exclusiv|leyendo|lendo|leggere|riservat|account|leden|lees|lezen|subskryb|prenumer"
    r"|abonent|czytać|subskrypcj|подпис"
)  # on case-folded text: far quicker than IGNORECASE
_COPYRIGHT = re.compile(
    r"^\W{0,3}(?:copyright\b|©|ⓒ|\(c\)\s*\d{4})|all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten"
    r"|tous\s+droits\s+réservés|todos\s+los\s+derechos\s+reservados"
    r"|todos\s+os\s+direitos\s+reservados|tutti\s+i\s+diritti\s+riservati|무단\s*전재|無断転載"
    r"|版权所有|版權所有",
    re.IGNORECASE,
)
_COMMENT_NOTICE = re.compile(
    r"(?:comments?|coment[aá]rios?|kommentare?|commentaires?|commenti)\b[^.!?]{0,120}?"
    r"(?:moderat|aprovad|approv|polic|guideline|richtlinie|règle|regla|regra|respect|respeit)",
    re.IGNORECASE,
)
# A shop's or an affiliate programme's disclosure: "If you buy something through this post, we
# may get a share of the sale", "Wir erhalten eine Provision".
_DISCLOSURE = re.compile(
    r"\bmay\s+(?:earn|get|receive|make|collect)\s+(?:a\s+)?(?:small\s+)?"
    r"(?:share|commission|fee|portion)|\baffiliate\s+(?:links?|commissions?|partners?|programs?)"
    r"|\b(?:commission|provision)\s+(?:on|from|for|für|aus)\s+(?:qualifying\s+)?"
    r"(?:purchases|sales|käufen|einkäufen)|\baffiliate-links?\b|liens?\s+affiliés"
    r"|enlaces?\s+de\s+afiliad|links?\s+de\s+afiliad|link\s+di\s+affiliazione",
    re.IGNORECASE,
)
_TAG_LINE = re.compile(
    r"^\W{0,3}(?:tags?|tagged|filed\s+under|categor(?:y|ies)|topics?|schlagw(?:ö|oe)rter"
    r"|themen|étiquettes|mots[\s-]clés|etiquetas|temas|marcadores|argomenti)\s*:",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"\b\d+\s*(?:min|mins|minutes?|minutos?|minuten|minuti)\b.{0,20}"
    r"(?:read|leitura|lectura|lecture|lettura)"
    r"|(?:reading\s+time|lesezeit|tempo\s+de\s+leitura|tiempo\s+de\s+lectura"
    r"|temps\s+de\s+lecture|tempo\s+di\s+lettura)\s*:?\s*\d",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_LABEL = re.compile(r"[^\W\d_][\w'\u2019&-]*(?:\s+[^\W\d_][\w'\u2019&-]*){0,2}\s*:?")
_SENTENCE_END = (".", "!", "?", "\u3002", "\uff01", "\uff1f")
# A label that leads to other stories: the words of previous/next links and related lists,
# with the noun they may carry before or after ("Next Article", "Article suivant").
_NAV_NOUN = (
    r"(?:articles?|stor(?:y|ies)|posts?|news|reads|entr(?:y|ies)|headlines?|videos?|artikel"
    r"|beitr(?:ag|äge)|nachrichten|artículos?|noticias?|notícias?|artigos?|articol[oi]|notizi[ae]"
    r"|berichten?|artykuły?|wpis|стать[яи]|новост[ьи]|материалы?)"
)
_NAV_CORE = (
    r"(?:previous|prev|next|older|newer|related|recommended|popular|trending|latest"
    r"|most\s+(?:read|popular|viewed|shared)|read\s+(?:next|more|also)|also\s+read|see\s+also"
    r"|up\s+next|more(?:\s+(?:from|on|in)(?:\s+[\w'\u2019-]+){1,2})?|you\s+(?:may|might)\s+"
    r"also\s+like|don['\u2019]t\s+miss|vorherige[rs]?|nächste[rs]?|weitere|ähnliche"
    r"|lesen\s+sie\s+auch|mehr\s+zum\s+thema|auch\s+interessant|das\s+könnte\s+sie\s+auch"
    r"\s+interessieren|précédente?|suivante?|(?:à\s+)?lire\s+aussi|liée?s|similaires"
    r"|sur\s+le\s+même\s+sujet|vous\s+aimerez\s+aussi|anterior(?:es)?|siguientes?"
    r"|próxim[oa]s?|te\s+puede\s+interesar|lee\s+también|leia\s+também|veja\s+também"
    r"|relacionad[oa]s|más|mais|precedente|successiv[oa]|leggi\s+anche|correlat[ie]|vorige?"
    r"|volgende?|lees\s+ook|gerelateerde?|poprzedni|następny|czytaj\s+(?:też|także)"
    r"|zobacz\s+(?:też|także)|powiązane|предыдущ\w*|следующ\w*|читайте\s+также|похожие)"
)
_NAV_LABEL = re.compile(
    rf"\W{{0,3}}(?:{_NAV_NOUN}\s+)?{_NAV_CORE}(?:\s+{_NAV_NOUN})?\W{{0,4}}",  # "Next »"
    re.IGNORECASE,
)


def _has_call_to_action(text: str) -> bool:
    return any(_CTA_AT_START.match(sentence) for sentence in _SENTENCES.split(text))


def promo_blocks(blocks: list[Block]) -> dict[int, str]:
    """Indexes of `blocks` that are the site's promotions or furniture, with the rule's name."""
    texts = [block.text for block in blocks]  # trimmed by the extractor: single spaces
    sizes = [len(text) for text in texts]
    counts = [text.count(" ") + 1 for text in texts]

    marks = _teasers(blocks, texts, counts)
    bookends = _bookends(blocks, counts, len(blocks))
    tail = _tail(blocks, texts, counts, {**marks, **bookends})
    # The promo printed below the article may stand above the tail's furniture ("No time to
    # read?" before "Previous Article" and its teasers): look for it there too.
    end = min(tail, default=len(blocks))
    if end < len(blocks) and (more := _bookends(blocks, counts, end)).keys() - bookends.keys():
        bookends |= more
        tail = _tail(blocks, texts, counts, {**marks, **bookends})
    head: dict[int, str] = {}
    for i in range(len(blocks)):
        if i in tail:
            break
        if i in bookends:
            head[i] = bookends[i]
        elif counts[i] <= CTA_MAX_WORDS and _has_call_to_action(texts[i]):
            head[i] = "call_to_action"
        elif counts[i] <= READING_TIME_MAX_WORDS and _READING_TIME.search(texts[i]):
            head[i] = "reading_time"
        elif counts[i] <= NOTICE_MAX_WORDS and _DISCLOSURE.search(texts[i]):
            head[i] = "disclosure"
        else:
            break
    found = {**bookends, **head, **tail}
    for i, (text, count) in enumerate(zip(texts, counts, strict=True)):
        if i in found:
            continue
        if count <= CTA_INLINE_MAX_WORDS and _CTA_AT_START.match(text):
            found[i] = "call_to_action"
        elif count <= NOTICE_MAX_WORDS and _is_paywall_notice(text):
            found[i] = "paywall_notice"
    if sum(sizes[i] for i in found) >= MAX_REMOVED_SHARE * sum(sizes):
        return {}
    return found


def _tail(
    blocks: list[Block], texts: list[str], counts: list[int], marks: dict[int, str]
) -> dict[int, str]:
    """The run of furniture that ends the text, from the end backwards: blocks in `marks`
    (bookends, teasers) and what `_tail_rule` recognises."""
    tail: dict[int, str] = {}
    labels: list[int] = []
    for i in range(len(blocks) - 1, -1, -1):
        rule = marks.get(i) or _tail_rule(
            blocks[i].kind, texts[i], counts[i], texts[i - 1] if i else ""
        )
        if rule is None:
            break
        tail[i] = rule
        if rule == "orphan_label":
            labels.append(i)
    if len(labels) > TAIL_MAX_LABELS:  # the text ends in short lines: keep them and all before
        tail = {i: rule for i, rule in tail.items() if i > labels[0]}
    return tail


def _teasers(blocks: list[Block], texts: list[str], counts: list[int]) -> dict[int, str]:
    """Navigation labels ("Next Article") and the headline-like lines that follow each, up to
    the next label: other stories' titles. Only those in the tail run are removed."""
    found: dict[int, str] = {}
    for j, text in enumerate(texts):
        if not (
            blocks[j].kind in ("p", "h")
            and counts[j] <= NAV_LABEL_MAX_WORDS
            and len(text) <= NAV_LABEL_MAX_CHARS
            and _NAV_LABEL.fullmatch(text)
        ):
            continue
        run = []
        for i in range(j + 1, min(j + 1 + TEASER_MAX_LINES, len(texts))):
            if not _is_headline(blocks[i].kind, texts[i], counts[i]) or _NAV_LABEL.fullmatch(
                texts[i]
            ):
                break
            run.append(i)
        if run:
            found[j] = "nav_label"
            found.update(dict.fromkeys(run, "teaser_headline"))
    return found


def _is_headline(kind: str, text: str, count: int) -> bool:
    """A title: a few words, no full stop or colon at its end, no second sentence."""
    return (
        kind in ("p", "h")
        and 2 <= count <= TEASER_MAX_WORDS
        and not text.endswith((".", ":", ";", ",", "\u3002"))
        and len(_SENTENCES.split(text)) == 1
    )


def _bookends(blocks: list[Block], counts: list[int], end: int) -> dict[int, str]:
    """Short lines printed both above the article and below it (among the last blocks before
    `end`, or after it): "No time to read? Get a summary", the page's furniture, whatever
    they say. Lists and tables repeat items for a reason (a meal plan's "Breakfast: oats" on
    its first and last day) and are left alone."""
    first: dict[str, int] = {}
    for i in range(min(BOOKEND_BLOCKS, len(blocks))):
        if counts[i] <= BOOKEND_MAX_WORDS and blocks[i].kind in ("p", "h"):
            first.setdefault(blocks[i].text.casefold(), i)
    found: dict[int, str] = {}
    for i in range(max(0, end - BOOKEND_BLOCKS), len(blocks)):
        j = first.get(blocks[i].text.casefold())
        if j is not None and i > j + 1 and blocks[i].kind in ("p", "h"):
            found[j] = found[i] = "repeated_promo"
    return found


def _tail_rule(kind: str, text: str, count: int, previous: str) -> str | None:
    """The rule that makes `text` furniture when nothing of the article follows it, or None."""
    if kind in ("p", "h") and count <= CTA_MAX_WORDS and _has_call_to_action(text):
        return "call_to_action"
    if count <= CTA_INLINE_MAX_WORDS and _COMMENT_PROMPT.match(text):
        return "comment_prompt"
    if count <= NOTICE_MAX_WORDS and _is_paywall_notice(text):
        return "paywall_notice"
    if kind == "h" and count <= HEADING_MAX_WORDS:
        return "orphan_heading"
    if kind != "p" or count > NOTICE_MAX_WORDS:
        return None
    if count <= LABEL_MAX_WORDS and len(text) <= LABEL_MAX_CHARS and _LABEL.fullmatch(text):
        return "orphan_label"
    if _COPYRIGHT.search(text):
        return "copyright"
    if _COMMENT_NOTICE.search(text):
        return "comment_notice"
    if _DISCLOSURE.search(text):
        return "disclosure"
    if _TAG_LINE.match(text) or (_is_comma_list(text) and _TAG_LINE.match(previous + ":")):
        return "tag_line"
    if _URL.search(text) and len(_URL.sub("", text).split()) <= 2:
        return "link_line"
    return None


def _is_paywall_notice(text: str) -> bool:
    return _PAYWALL_HINT.search(text.casefold()) is not None and _PAYWALL.search(text) is not None


def _is_comma_list(text: str) -> bool:
    """True for "a, b c, d, e": short items, no sentence."""
    items = text.rstrip(",;").split(",")
    return (
        len(items) > LIST_MIN_COMMAS
        and not text.endswith(_SENTENCE_END)
        and all(0 < len(item.split()) <= LIST_MAX_ITEM_WORDS for item in items)
    )
