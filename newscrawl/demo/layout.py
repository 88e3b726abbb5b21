"""Shared parts of the demo site's HTML template: head, header, sidebar, footer and cards.

Every page of a real news site repeats the same furniture (cookie banner, navigation, ads,
newsletter box, "most read", footer); it lives here once so that the repetition across pages is
exact, which is what template-learning cleaners rely on. Absolute URLs are written as
``{{BASE}}`` and filled in by the server.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import datetime, timedelta

from newscrawl.demo.model import LINK_RE, Article, Author, Site, slugify

__all__ = [
    "BASE",
    "cards",
    "esc",
    "esc_text",
    "inline",
    "long_date",
    "render_page",
    "short_date",
    "stable_int",
]

BASE = "{{BASE}}"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
COPYRIGHT_YEAR = 2026


def esc(text: str) -> str:
    """Escape for double-quoted attribute values."""
    return html.escape(text, quote=True)


def esc_text(text: str) -> str:
    """Escape for element text: quotes stay literal, as CMS output and real pages have them."""
    return html.escape(text, quote=False)


def inline(text: str, site: Site) -> str:
    """Escape paragraph text and turn ``[words](target)`` markup into links."""
    out, pos = [], 0
    for match in LINK_RE.finditer(text):
        out.append(esc_text(text[pos : match.start()]))
        href = site.resolve_link(match.group(2))
        out.append(f'<a href="{esc(href)}">{esc_text(match.group(1))}</a>')
        pos = match.end()
    out.append(esc_text(text[pos:]))
    return "".join(out)


def long_date(dt: datetime) -> str:
    """'3 February 2026, 07:15 GMT', spelt out by hand so the locale cannot change the output."""
    offset = dt.utcoffset() or timedelta(0)
    zone = "GMT" if offset == timedelta(0) else f"UTC{dt:%z}"
    return f"{dt.day} {MONTHS[dt.month - 1]} {dt.year}, {dt:%H:%M} {zone}"


def short_date(dt: datetime) -> str:
    return f"{dt.day} {MONTHS[dt.month - 1][:3]} {dt.year}"


def stable_int(*parts: str) -> int:
    """A deterministic pseudo-random number (like counts and IDs) from text."""
    return int(hashlib.sha1("|".join(parts).encode()).hexdigest()[:8], 16)


def byline_text(authors: tuple[Author, ...]) -> str:
    names = [a.name for a in authors]
    return names[0] if len(names) == 1 else " and ".join([", ".join(names[:-1]), names[-1]])


# --- shared page furniture ------------------------------------------------------------------


def _head(
    site: Site,
    *,
    title: str,
    description: str,
    path: str,
    og_type: str,
    image: str,
    extra: str = "",
) -> str:
    return f"""<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc_text(title)}</title>
<meta name="description" content="{esc(description)}">
<link rel="canonical" href="{BASE}{esc_text(path)}">
<meta property="og:site_name" content="{esc(site.name)}">
<meta property="og:type" content="{og_type}">
<meta property="og:title" content="{esc(title.removesuffix(" | " + site.name))}">
<meta property="og:description" content="{esc(description)}">
<meta property="og:url" content="{BASE}{esc_text(path)}">
<meta property="og:image" content="{BASE}{esc_text(image)}">
<meta property="og:locale" content="en_GB">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@meridianpost">
{extra}<link rel="alternate" type="application/rss+xml" title="{esc(site.name)}" href="/feed.xml">
<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/css/site.css">
</head>"""


def _cookie_banner() -> str:
    return """<div class="cookie-banner" id="cookie-consent" role="dialog" aria-live="polite" \
aria-label="Cookie consent">
  <p class="cookie-banner__text">We use cookies and similar technologies to keep this site \
working, to measure how it is used and to show you relevant advertising. You can change your \
choices at any time under Cookie settings. Read our <a href="/privacy/#cookies">cookie policy</a>.\
</p>
  <div class="cookie-banner__actions">
    <button type="button" class="btn btn--primary" data-consent="all">Accept all</button>
    <button type="button" class="btn" data-consent="essential">Reject non-essential</button>
    <button type="button" class="btn btn--link" data-consent="manage">Manage preferences</button>
  </div>
</div>"""


def _header(site: Site, current: str) -> str:
    def item(href: str, label: str) -> str:
        mark = ' aria-current="page"' if href == current else ""
        return f'<li><a href="{href}"{mark}>{esc_text(label)}</a></li>'

    nav = "\n      ".join(
        [item("/", "Home")]
        + [item(s.path, s.name) for s in site.sections]
        + [item("/about/", "About")]
    )
    return f"""<header class="site-header">
  <div class="site-header__top">
    <div class="container">
      <p class="site-header__tagline">{esc_text(site.tagline)}</p>
      <ul class="site-header__account">
        <li><a class="btn btn--subscribe" href="/about/#subscribe">Subscribe from £1 a week</a></li>
        <li><a href="/about/#sign-in">Sign in</a></li>
      </ul>
    </div>
  </div>
  <div class="container site-header__brand">
    <a class="logo" href="/" aria-label="{esc(site.name)}, home">\
<img src="/static/img/logo.svg" alt="{esc(site.name)}" width="260" height="44"></a>
    <form class="site-search" role="search" action="/search/" method="get">
      <label class="visually-hidden" for="site-search-q">Search</label>
      <input id="site-search-q" name="q" type="search" placeholder="Search the Post">
      <button type="submit">Search</button>
    </form>
  </div>
  <nav class="primary-nav" aria-label="Sections">
    <ul class="container">
      {nav}
    </ul>
  </nav>
</header>
<div class="ad-slot ad-slot--leaderboard" data-ad-unit="leaderboard-top">
  <span class="ad-label">Advertisement</span>
</div>"""


def _newsletter(variant: str) -> str:
    field = f"newsletter-email-{variant}"
    return f"""<section class="newsletter newsletter--{variant}" aria-labelledby="{field}-title">
  <h2 class="newsletter__title" id="{field}-title">The Morning Brief</h2>
  <p class="newsletter__pitch">The day's essential stories, in your inbox before 7am. \
Free, every weekday.</p>
  <form class="newsletter__form" action="/newsletter/subscribe" method="post">
    <label class="visually-hidden" for="{field}">Email address</label>
    <input id="{field}" type="email" name="email" placeholder="Your email address" required>
    <button type="submit">Sign up</button>
  </form>
  <p class="newsletter__legal">By signing up you agree to our \
<a href="/privacy/">privacy policy</a>. Unsubscribe at any time.</p>
</section>"""


def _sidebar(site: Site) -> str:
    items = "\n".join(
        f'      <li><a href="{a.path}"><span class="most-read__rank">{rank}</span> '
        f"{esc(a.title)}</a></li>"
        for rank, a in enumerate(site.most_read(), start=1)
    )
    return f"""<aside class="page__sidebar" aria-label="Sidebar">
  <section class="most-read">
    <h2 class="widget-title">Most read</h2>
    <ol class="most-read__list">
{items}
    </ol>
  </section>
  <div class="ad-slot ad-slot--mpu" data-ad-unit="mpu-sidebar">
    <span class="ad-label">Advertisement</span>
  </div>
  {_newsletter("sidebar")}
  <section class="trending-topics">
    <h2 class="widget-title">Trending topics</h2>
    <ul class="tag-cloud">
{_trending_tags(site)}
    </ul>
  </section>
</aside>"""


def _trending_tags(site: Site) -> str:
    counts = sorted(site.tags(), key=lambda t: (-len(site.with_tag(t)), slugify(t)))[:6]
    return "\n".join(
        f'      <li><a href="/tag/{slugify(tag)}/">{esc_text(tag)}</a></li>' for tag in counts
    )


def _footer(site: Site) -> str:
    sections = "\n".join(
        f'        <li><a href="{s.path}">{esc_text(s.name)}</a></li>' for s in site.sections
    )
    return f"""<footer class="site-footer">
  <div class="container site-footer__grid">
    <nav class="site-footer__col" aria-label="Sections footer">
      <h2>Sections</h2>
      <ul>
{sections}
      </ul>
    </nav>
    <nav class="site-footer__col" aria-label="About the Post">
      <h2>{esc_text(site.name)}</h2>
      <ul>
        <li><a href="/about/">About us</a></li>
        <li><a href="/about/#contact">Contact us</a></li>
        <li><a href="/about/#careers">Careers</a></li>
        <li><a href="/about/#advertise">Advertise with us</a></li>
      </ul>
    </nav>
    <nav class="site-footer__col" aria-label="Legal">
      <h2>Legal</h2>
      <ul>
        <li><a href="/privacy/">Privacy policy</a></li>
        <li><a href="/terms/">Terms of use</a></li>
        <li><button type="button" class="btn btn--link cookie-settings">Cookie settings\
</button></li>
      </ul>
    </nav>
    <div class="site-footer__col">
      <h2>Follow us</h2>
      <ul>
        <li><a href="/feed.xml">RSS feed</a></li>
        <li><a href="/sitemap.xml">Sitemap</a></li>
        <li><a href="/about/#newsletters">Newsletters</a></li>
      </ul>
    </div>
  </div>
  <p class="site-footer__copyright">© {COPYRIGHT_YEAR} The Meridian Post Ltd. All rights \
reserved. Registered in England and Wales, company number 09451273.</p>
</footer>"""


def render_page(
    site: Site,
    *,
    title: str,
    description: str,
    path: str,
    body_class: str,
    nav_current: str,
    content: str,
    og_type: str = "website",
    image: str = "/static/img/og-default.svg",
    head_extra: str = "",
    page_type: str = "page",
) -> str:
    """Wrap page content in the shared template: every page gets the same furniture."""
    head = _head(
        site,
        title=title,
        description=description,
        path=path,
        og_type=og_type,
        image=image,
        extra=head_extra,
    )
    data_layer = json.dumps({"pageType": page_type, "path": path}, ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html lang="{site.language}">
{head}
<body class="{body_class}">
<a class="skip-link" href="#main-content">Skip to main content</a>
{_cookie_banner()}
{_header(site, nav_current)}
<div class="container page">
<main id="main-content" class="page__main">
{content}
</main>
{_sidebar(site)}
</div>
{_footer(site)}
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({data_layer});</script>
<script src="/static/js/site.js" defer></script>
</body>
</html>
"""


def card(article: Article, *, kicker: bool, heading: str = "h3") -> str:
    byline = f" · By {esc_text(byline_text(article.authors))}" if article.authors else ""
    kick = (
        f'\n    <a class="card__kicker" href="{article.section.path}">'
        f"{esc(article.section.name)}</a>"
        if kicker
        else ""
    )
    return f"""<li class="card">
  <a class="card__image" href="{article.path}" tabindex="-1" aria-hidden="true">\
<img src="{article.image_path}" alt="" width="400" height="225" loading="lazy"></a>
  <div class="card__body">{kick}
    <{heading} class="card__title"><a href="{article.path}">\
{esc_text(article.title)}</a></{heading}>
    <p class="card__teaser">{esc_text(article.summary)}</p>
    <p class="card__meta"><time datetime="{article.published_raw}">\
{short_date(article.published)}</time>{byline}</p>
  </div>
</li>"""


def cards(articles: list[Article], *, kicker: bool, css: str) -> str:
    cards = "\n".join(card(a, kicker=kicker) for a in articles)
    return f'<ul class="card-list {css}">\n{cards}\n</ul>'
