"""The article page of the demo site, the page type the cleaner exists for.

Some clutter sits deliberately inside the article container (the "No time to read?" promo at
the top and bottom of the body, a share bar, a mid-article ad, a "Read more" box and the
Previous/Next Article teasers), because that is exactly where naive extractors go wrong. The
body is rendered from the same blocks that produce the gold text, so the two cannot disagree.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

from newscrawl.demo.layout import (
    BASE,
    byline_text,
    cards,
    esc,
    esc_text,
    inline,
    long_date,
    render_page,
    short_date,
    stable_int,
)
from newscrawl.demo.model import Article, Block, Site, slugify

__all__ = ["PROMO_CTA", "PROMO_QUESTION", "render_article"]

PROMO_QUESTION = "No time to read?"
PROMO_CTA = "Get a summary"
# Average adult silent reading speed, the figure most "min read" labels use.
WORDS_PER_MINUTE = 230
# The mid-article ad goes after this many body blocks, where real ad servers put the first one.
AD_AFTER_BLOCKS = 3
# Articles this long (in blocks) also get a "Read more" box after AD_AFTER_BLOCKS + 2 blocks.
READ_MORE_MIN_BLOCKS = 6

# --- article page ---------------------------------------------------------------------------


def _promo(position: str) -> str:
    return f"""<div class="promo promo--summary promo--{position}" data-component="ai-summary">
  <p class="promo__question">{PROMO_QUESTION}</p>
  <button type="button" class="promo__cta">{PROMO_CTA}</button>
</div>"""


def _share_bar(article: Article, position: str) -> str:
    query = f"subject={quote(article.title)}&body={BASE}{article.path}"
    mail = esc(f"mailto:?{query}")
    return f"""<div class="share-bar share-bar--{position}" aria-label="Share this article">
  <span class="share-bar__label">Share</span>
  <button type="button" class="share share--x" data-network="x">Share on X</button>
  <button type="button" class="share share--facebook" data-network="facebook">\
Share on Facebook</button>
  <a class="share share--email" href="{mail}">Share by Email</a>
  <button type="button" class="share share--copy" data-copy="{BASE}{article.path}">\
Copy link</button>
</div>"""


def _block_html(block: Block, article: Article, site: Site, figure_no: int) -> str:
    if block.kind == "p":
        return f"<p>{inline(block.text, site)}</p>"
    if block.kind == "h2":
        return f'<h2 class="article-body__subheading">{inline(block.text, site)}</h2>'
    if block.kind == "quote":
        return (
            f'<blockquote class="pull-quote">\n  <p>{inline(block.text, site)}</p>\n</blockquote>'
        )
    if block.kind == "ul":
        items = "\n".join(f"  <li>{inline(item, site)}</li>" for item in block.items)
        return f'<ul class="article-body__list">\n{items}\n</ul>'
    src = f"/static/img/{article.slug}-fig{figure_no}.svg"
    return f"""<figure class="article-figure">
  <img src="{src}" alt="{esc(block.alt)}" width="1200" height="675" loading="lazy">
  <figcaption><span class="article-figure__caption">{esc_text(block.caption)}</span> \
<span class="article-figure__credit">{esc_text(block.credit)}</span></figcaption>
</figure>"""


def _post_nav(article: Article, site: Site) -> str:
    """Previous/Next Article teasers, as plain blocks inside the body like many CMS themes."""
    prev, nxt = site.neighbours(article)
    items = []
    for css, label, other in (("prev", "Previous Article", prev), ("next", "Next Article", nxt)):
        items.append(
            f"""  <div class="post-nav__item post-nav__item--{css}">
    <p class="post-nav__label">{label}</p>
    <h3 class="post-nav__title"><a href="{other.path}">{esc_text(other.title)}</a></h3>
  </div>"""
        )
    return '<div class="post-nav">\n' + "\n".join(items) + "\n</div>"


def _article_body(article: Article, site: Site, read_more: Article | None) -> str:
    parts = [_promo("top")]
    figure_no = 0
    for i, block in enumerate(article.body):
        if block.kind == "figure":
            figure_no += 1
        parts.append(_block_html(block, article, site, figure_no))
        if i + 1 == AD_AFTER_BLOCKS:
            parts.append(
                '<div class="ad-slot ad-slot--inline" data-ad-unit="mid-article">\n'
                '  <p class="ad-label">Advertisement</p>\n'
                '  <div class="ad-slot__unit" id="div-gpt-ad-mid-article-1"></div>\n'
                '  <p class="ad-slot__fallback">Continue reading below</p>\n</div>'
            )
        if read_more is not None and i + 1 == AD_AFTER_BLOCKS + 2:
            parts.append(
                f'<p class="read-more"><strong>Read more:</strong> '
                f'<a href="{read_more.path}">{esc_text(read_more.title)}</a></p>'
            )
    parts.append(_promo("bottom"))
    parts.append(_share_bar(article, "bottom"))
    parts.append(_post_nav(article, site))
    body = "\n".join(parts)
    return f'<div class="article-body" itemprop="articleBody">\n{body}\n</div>'


def _byline(article: Article) -> str:
    if not article.authors:
        return ""
    links = [
        f'<a class="byline__author" rel="author" href="{a.path}">{esc_text(a.name)}</a>'
        for a in article.authors
    ]
    joined = links[0] if len(links) == 1 else " and ".join([", ".join(links[:-1]), links[-1]])
    return f'<p class="byline">By {joined}</p>\n      '


def _dates(article: Article) -> str:
    out = (
        f'<time class="article__published" datetime="{article.published_raw}">'
        f"{long_date(article.published)}</time>"
    )
    if article.modified is not None:
        out += (
            f' <span class="article__updated">Updated <time datetime="{article.modified_raw}">'
            f"{long_date(article.modified)}</time></span>"
        )
    return out


def _article_footer(article: Article) -> str:
    tags = "\n".join(
        f'      <li><a href="/tag/{slugify(t)}/" rel="tag">{esc_text(t)}</a></li>'
        for t in article.tags
    )
    bios = "\n".join(
        f'  <div class="author-bio"><a href="{a.path}">{esc_text(a.name)}</a> '
        f'<span class="author-bio__role">{esc_text(a.role)}</span>'
        f'<p class="author-bio__text">{esc_text(a.bio)}</p></div>'
        for a in article.authors
    )
    return f"""<footer class="article__footer">
  <div class="article__topics">
    <h2 class="article__topics-title">Topics</h2>
    <ul class="tag-list">
{tags}
    </ul>
  </div>
{bios}
</footer>"""


def _comments(article: Article) -> str:
    items = []
    for n, comment in enumerate(article.comments, start=1):
        minutes = 40 * n + stable_int(article.slug, comment.user) % 90
        when = article.published + timedelta(minutes=minutes)
        likes = stable_int(comment.user, comment.text) % 48
        items.append(
            f"""  <li class="comment" id="comment-{stable_int(article.slug, str(n)) % 10**7}">
    <div class="comment__meta"><span class="comment__user">{esc_text(comment.user)}</span> \
<time datetime="{when.isoformat()}">{short_date(when)}, {when:%H:%M}</time></div>
    <p class="comment__text">{esc_text(comment.text)}</p>
    <div class="comment__actions"><button type="button">Reply</button> \
<button type="button">Report</button> <span class="comment__likes">{likes} likes</span></div>
  </li>"""
        )
    listing = "\n".join(items)
    return f"""<section class="comments" id="comments" aria-labelledby="comments-title">
<h2 id="comments-title">Comments ({len(article.comments)})</h2>
<p class="comments__notice">Comments are moderated and should follow our \
<a href="/terms/#community">community guidelines</a>. \
<a href="/about/#sign-in">Sign in</a> to join the conversation.</p>
<ol class="comment-list">
{listing}
</ol>
</section>"""


def _json_ld(article: Article, site: Site) -> str:
    url = BASE + article.path
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.summary,
        "image": [BASE + article.image_path],
        "datePublished": article.published_raw,
        "dateModified": article.modified_raw or article.published_raw,
        "articleSection": article.section.name,
        "keywords": list(article.tags),
        "inLanguage": site.language,
        "publisher": {
            "@type": "Organization",
            "name": site.name,
            "logo": {"@type": "ImageObject", "url": BASE + "/static/img/logo.svg"},
        },
    }
    # Bylined stories only: a wire-style story has no author, and we do not invent one.
    if article.authors:
        data["author"] = [
            {"@type": "Person", "name": a.name, "url": BASE + a.path} for a in article.authors
        ]
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": BASE + "/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": article.section.name,
                "item": BASE + article.section.path,
            },
        ],
    }
    # "</" inside a script element would end it early; JSON allows the escaped form.
    blobs = [
        json.dumps(d, ensure_ascii=False, indent=2).replace("</", "<\\/") for d in (data, crumbs)
    ]
    return "".join(f'<script type="application/ld+json">\n{b}\n</script>\n' for b in blobs)


def _article_head(article: Article, site: Site) -> str:
    lines = [f'<meta property="article:published_time" content="{article.published_raw}">']
    if article.modified_raw:
        lines.append(f'<meta property="article:modified_time" content="{article.modified_raw}">')
    lines.append(f'<meta property="article:section" content="{esc(article.section.name)}">')
    lines += [f'<meta property="article:tag" content="{esc(t)}">' for t in article.tags]
    if article.authors:
        lines.append(f'<meta name="author" content="{esc(byline_text(article.authors))}">')
    return "\n".join(lines) + "\n" + _json_ld(article, site)


def render_article(article: Article, site: Site) -> str:
    related = site.related(article)
    # Every other story in a section gets an in-body "Read more" box, as editors add them by hand.
    section_index = site.in_section(article.section).index(article)
    wants_read_more = section_index % 2 == 0 and len(article.body) >= READ_MORE_MIN_BLOCKS
    words = sum(len(p.split()) for p in article.paragraphs())
    minutes = max(1, -(-words // WORDS_PER_MINUTE))
    byline = _byline(article)
    content = f"""<article class="article article--{article.section.slug}" \
data-article-id="{stable_int(article.slug) % 10**8}">
  <nav class="breadcrumbs" aria-label="Breadcrumb">
    <ol><li><a href="/">Home</a></li><li><a href="{article.section.path}">\
{esc_text(article.section.name)}</a></li></ol>
  </nav>
  <header class="article__header">
    <a class="article__kicker" href="{article.section.path}">{esc_text(article.section.name)}</a>
    <h1 class="article__headline">{esc_text(article.title)}</h1>
    <p class="article__standfirst">{esc_text(article.summary)}</p>
    <div class="article__meta">
      {byline}<p class="article__dates">{_dates(article)}</p>
      <p class="article__reading-time">{minutes} min read</p>
    </div>
    <button type="button" class="listen-button" data-component="tts">\
Listen to this article</button>
  </header>
{_article_body(article, site, related[0] if wants_read_more else None)}
{_article_footer(article)}
</article>
<section class="related" aria-labelledby="related-title">
<h2 id="related-title">Related articles</h2>
{cards(related, kicker=True, css="card-list--related")}
</section>
{_comments(article)}"""
    return render_page(
        site,
        title=f"{article.title} | {site.name}",
        description=article.summary,
        path=article.path,
        body_class=f"page-article section-{article.section.slug}",
        nav_current=article.section.path,
        content=content,
        og_type="article",
        image=article.image_path,
        head_extra=_article_head(article, site),
        page_type="article",
    )
