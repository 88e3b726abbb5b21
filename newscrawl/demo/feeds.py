"""Machine-readable discovery files for the demo site: sitemaps, RSS feed and robots.txt.

Crawlers find news articles through these rather than by following every link, so the demo
site offers all of them: a sitemap index with an article sitemap (carrying Google News
``<news:news>`` blocks) and a sitemap of listing pages, an RSS 2.0 feed of the latest stories,
and a robots.txt that points at the index. Absolute URLs use the ``{{BASE}}`` placeholder.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newscrawl.demo.model import Article, Site, slugify

__all__ = [
    "FEED_SIZE",
    "LISTING_PAGE_SIZE",
    "listing_paths",
    "render_feed",
    "render_robots",
    "render_sitemap_articles",
    "render_sitemap_index",
    "render_sitemap_sections",
]

BASE = "{{BASE}}"
# The feed carries the latest 20 stories, the common default of news CMSes.
FEED_SIZE = 20
# Six stories per section page: small enough that every section of the demo site paginates.
LISTING_PAGE_SIZE = 6
# Pages with no articles of their own (about, legal) were last edited on this date.
STATIC_PAGES_LASTMOD = "2026-01-15"
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _newest(articles: list[Article]) -> datetime:
    return max(a.last_modified for a in articles)


def listing_paths(site: Site) -> list[tuple[str, datetime | None]]:
    """Every non-article page with the date it last changed (None for static pages)."""
    newest = site.newest_first()
    paths: list[tuple[str, datetime | None]] = [("/", _newest(newest))]
    for section in site.sections:
        articles = site.in_section(section)
        for page in range(1, -(-len(articles) // LISTING_PAGE_SIZE) + 1):
            chunk = articles[(page - 1) * LISTING_PAGE_SIZE : page * LISTING_PAGE_SIZE]
            paths.append((section.page_path(page), _newest(chunk)))
    paths += [(f"/tag/{slugify(tag)}/", _newest(site.with_tag(tag))) for tag in site.tags()]
    paths += [(a.path, _newest(site.by_author(a))) for a in site.authors]
    paths += [("/about/", None), ("/privacy/", None), ("/terms/", None)]
    return paths


def render_sitemap_index(site: Site) -> str:
    articles_lastmod = _newest(list(site.articles)).isoformat()
    return (
        XML_DECL
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + f"  <sitemap>\n    <loc>{BASE}/sitemap-articles.xml</loc>\n"
        + f"    <lastmod>{articles_lastmod}</lastmod>\n  </sitemap>\n"
        + f"  <sitemap>\n    <loc>{BASE}/sitemap-sections.xml</loc>\n"
        + f"    <lastmod>{articles_lastmod}</lastmod>\n  </sitemap>\n"
        + "</sitemapindex>\n"
    )


def render_sitemap_articles(site: Site) -> str:
    urls = []
    for a in site.newest_first():
        urls.append(
            f"""  <url>
    <loc>{BASE}{escape(a.path)}</loc>
    <lastmod>{a.last_modified.isoformat()}</lastmod>
    <news:news>
      <news:publication>
        <news:name>{escape(site.name)}</news:name>
        <news:language>{site.language}</news:language>
      </news:publication>
      <news:publication_date>{a.published_raw}</news:publication_date>
      <news:title>{escape(a.title)}</news:title>
    </news:news>
    <image:image>
      <image:loc>{BASE}{escape(a.image_path)}</image:loc>
    </image:image>
  </url>"""
        )
    body = "\n".join(urls)
    return (
        XML_DECL
        + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
        + '        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"\n'
        + '        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
        + body
        + "\n</urlset>\n"
    )


def render_sitemap_sections(site: Site) -> str:
    urls = []
    for path, lastmod in listing_paths(site):
        stamp = lastmod.isoformat() if lastmod else STATIC_PAGES_LASTMOD
        urls.append(
            f"  <url>\n    <loc>{BASE}{escape(path)}</loc>\n    <lastmod>{stamp}</lastmod>\n"
            f"  </url>"
        )
    body = "\n".join(urls)
    return (
        XML_DECL
        + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + body
        + "\n</urlset>\n"
    )


def render_feed(site: Site) -> str:
    latest = site.newest_first()[:FEED_SIZE]
    items = []
    for a in latest:
        creators = "".join(
            f"\n      <dc:creator>{escape(author.name)}</dc:creator>" for author in a.authors
        )
        categories = "".join(
            f"\n      <category>{escape(c)}</category>" for c in (a.section.name, *a.tags)
        )
        items.append(
            f"""    <item>
      <title>{escape(a.title)}</title>
      <link>{BASE}{escape(a.path)}</link>
      <guid isPermaLink="true">{BASE}{escape(a.path)}</guid>
      <pubDate>{format_datetime(a.published)}</pubDate>
      <description>{escape(a.summary)}</description>{categories}{creators}
    </item>"""
        )
    body = "\n".join(items)
    # The build date of the feed is its newest content, not the wall clock: deterministic.
    built = format_datetime(_newest(latest))
    return (
        XML_DECL
        + '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        + ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "  <channel>\n"
        + f"    <title>{escape(site.name)}</title>\n"
        + f"    <link>{BASE}/</link>\n"
        + f"    <description>{escape(site.description)}</description>\n"
        + f"    <language>{site.language}</language>\n"
        + f"    <lastBuildDate>{built}</lastBuildDate>\n"
        + f'    <atom:link href="{BASE}/feed.xml" rel="self" type="application/rss+xml"/>\n'
        + body
        + "\n  </channel>\n</rss>\n"
    )


def render_robots(site: Site) -> str:
    return f"# robots.txt for {site.name}\nUser-agent: *\nAllow: /\n\nSitemap: {BASE}/sitemap.xml\n"
