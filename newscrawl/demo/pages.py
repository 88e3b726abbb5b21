"""Listing and static pages of the demo site: home, section fronts, tags, authors, about.

These are the pages a crawler discovers articles from; section fronts paginate so that link
following has to go deeper than one page.
"""

from __future__ import annotations

from newscrawl.demo.layout import BASE, COPYRIGHT_YEAR, cards, esc_text, render_page
from newscrawl.demo.model import Article, Author, Section, Site, slugify

__all__ = [
    "LEGAL_PAGES",
    "render_about",
    "render_author",
    "render_home",
    "render_legal",
    "render_listing",
    "render_tag",
]

# --- listing pages --------------------------------------------------------------------------


def _pagination(section: Section, page: int, pages: int) -> str:
    if pages == 1:
        return ""
    links = []
    if page > 1:
        href = section.page_path(page - 1)
        links.append(f'<a class="pagination__prev" rel="prev" href="{href}">Newer stories</a>')
    numbers = "".join(
        f'<li><a href="{section.page_path(n)}"'
        + (' aria-current="page"' if n == page else "")
        + f">{n}</a></li>"
        for n in range(1, pages + 1)
    )
    links.append(f'<ol class="pagination__pages">{numbers}</ol>')
    if page < pages:
        href = section.page_path(page + 1)
        links.append(f'<a class="pagination__next" rel="next" href="{href}">Older stories</a>')
    inner = "\n  ".join(links)
    return f'<nav class="pagination" aria-label="Pagination">\n  {inner}\n</nav>'


def render_listing(
    site: Site, section: Section, articles: list[Article], page: int, pages: int
) -> str:
    """One page of a section front: headlines, teasers and pagination."""
    path = section.page_path(page)
    head_extra = ""
    if page > 1:
        head_extra += f'<link rel="prev" href="{BASE}{section.page_path(page - 1)}">\n'
    if page < pages:
        head_extra += f'<link rel="next" href="{BASE}{section.page_path(page + 1)}">\n'
    suffix = f" (page {page} of {pages})" if page > 1 else ""
    content = f"""<header class="listing-header">
  <h1 class="listing-header__title">{esc_text(section.name)}{suffix}</h1>
  <p class="listing-header__description">{esc_text(section.description)}</p>
</header>
{cards(articles, kicker=False, css="card-list--section")}
{_pagination(section, page, pages)}"""
    return render_page(
        site,
        title=f"{section.name}{suffix} | {site.name}",
        description=section.description,
        path=path,
        body_class=f"page-section section-{section.slug}",
        nav_current=section.path,
        content=content,
        head_extra=head_extra,
        page_type="section",
    )


def render_tag(site: Site, tag: str) -> str:
    articles = site.with_tag(tag)
    path = f"/tag/{slugify(tag)}/"
    count = f"{len(articles)} {'story' if len(articles) == 1 else 'stories'}"
    content = f"""<header class="listing-header listing-header--tag">
  <p class="listing-header__eyebrow">Topic</p>
  <h1 class="listing-header__title">{esc_text(tag)}</h1>
  <p class="listing-header__description">{count} tagged {esc_text(tag)}.</p>
</header>
{cards(articles, kicker=True, css="card-list--tag")}"""
    return render_page(
        site,
        title=f"{tag} | {site.name}",
        description=f"The latest news and analysis about {tag} from {site.name}.",
        path=path,
        body_class="page-tag",
        nav_current=path,
        content=content,
        page_type="tag",
    )


def render_author(site: Site, author: Author) -> str:
    content = f"""<header class="listing-header listing-header--author">
  <h1 class="listing-header__title">{esc_text(author.name)}</h1>
  <p class="listing-header__eyebrow">{esc_text(author.role)}</p>
  <p class="listing-header__description">{esc_text(author.bio)}</p>
</header>
{cards(site.by_author(author), kicker=True, css="card-list--author")}"""
    return render_page(
        site,
        title=f"{author.name}, {author.role} | {site.name}",
        description=author.bio,
        path=author.path,
        body_class="page-author",
        nav_current=author.path,
        content=content,
        page_type="author",
    )


def render_home(site: Site) -> str:
    newest = site.newest_first()
    top, latest = newest[0], newest[1:9]
    blocks = []
    for section in site.sections:
        blocks.append(
            f"""<section class="section-block section-block--{section.slug}">
<h2 class="section-block__title"><a href="{section.path}">{esc_text(section.name)}</a></h2>
{cards(site.in_section(section)[:4], kicker=False, css="card-list--compact")}
<a class="section-block__more" href="{section.path}">More {esc_text(section.name)}</a>
</section>"""
        )
    section_blocks = "\n".join(blocks)
    content = f"""<h1 class="visually-hidden">{esc_text(site.name)}: {esc_text(site.tagline)}</h1>
<section class="top-story" aria-label="Top story">
{cards([top], kicker=True, css="card-list--lead")}
</section>
<section class="latest" aria-labelledby="latest-title">
<h2 class="section-block__title" id="latest-title">Latest news</h2>
{cards(latest, kicker=True, css="card-list--latest")}
</section>
{section_blocks}"""
    return render_page(
        site,
        title=f"{site.name}: {site.tagline}",
        description=site.description,
        path="/",
        body_class="page-home",
        nav_current="/",
        content=content,
        page_type="home",
    )


# --- static pages ---------------------------------------------------------------------------


def render_about(site: Site) -> str:
    staff = "\n".join(
        f'  <li><a href="{a.path}">{esc_text(a.name)}</a>, {esc_text(a.role)}</li>'
        for a in site.authors
    )
    content = f"""<article class="static-page">
<h1>About {esc_text(site.name)}</h1>
<p>{esc_text(site.description)} We are owned by a small trust and funded by our readers, \
and we do not take money from the people and companies we write about.</p>
<p>This edition is a demonstration site that ships with newscrawl. Every story, name and \
quotation on it is invented, and any resemblance to real people is coincidental.</p>
<h2 id="staff">Our journalists</h2>
<ul class="staff-list">
{staff}
</ul>
<h2 id="contact">Contact us</h2>
<p>News tips and corrections: newsdesk@meridianpost.example. Letters to the editor: \
letters@meridianpost.example.</p>
<h2 id="subscribe">Subscribe</h2>
<p>Subscribers get unlimited access to every story and our weekly print edition.</p>
<h2 id="sign-in">Sign in</h2>
<p>Sign-in is not available on this demonstration site.</p>
<h2 id="newsletters">Newsletters</h2>
<p>The Morning Brief arrives every weekday before 7am.</p>
<h2 id="careers">Careers</h2>
<p>We are not recruiting at the moment.</p>
<h2 id="advertise">Advertise with us</h2>
<p>Our commercial team can be reached at advertising@meridianpost.example.</p>
</article>"""
    return render_page(
        site,
        title=f"About us | {site.name}",
        description=f"Who we are and how {site.name} is funded.",
        path="/about/",
        body_class="page-static",
        nav_current="/about/",
        content=content,
    )


LEGAL_PAGES: dict[str, tuple[str, str]] = {
    "privacy": (
        "Privacy policy",
        "We collect as little personal data as we can. Cookies help us count visits and "
        "remember your consent choices; advertising cookies are set only if you accept them.",
    ),
    "terms": (
        "Terms of use",
        "You may share links to our journalism freely. Republishing whole articles requires "
        "permission. Comments must be civil, on topic and free of personal attacks.",
    ),
}


def render_legal(site: Site, key: str) -> str:
    title, text = LEGAL_PAGES[key]
    anchor = "cookies" if key == "privacy" else "community"
    content = f"""<article class="static-page">
<h1>{esc_text(title)}</h1>
<p>{esc_text(text)}</p>
<h2 id="{anchor}">{"Cookies" if key == "privacy" else "Community guidelines"}</h2>
<p>Last reviewed in January {COPYRIGHT_YEAR}.</p>
</article>"""
    return render_page(
        site,
        title=f"{title} | {site.name}",
        description=text,
        path=f"/{key}/",
        body_class="page-static",
        nav_current=f"/{key}/",
        content=content,
    )
