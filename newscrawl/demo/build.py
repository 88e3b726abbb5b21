"""Render the demo news site and its gold file from ``articles.json``.

Run ``python -m newscrawl.demo.build`` after editing the articles; the output in ``site/`` and
``gold.jsonl`` is committed so the site ships as package data. The build is deterministic (no
clock, no randomness, sorted iteration) so a rebuild that changes nothing leaves git clean, and
the test suite can check that the committed site matches its source.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from newscrawl.demo import feeds, pages
from newscrawl.demo.article_page import render_article
from newscrawl.demo.model import Article, Site, load_site, slugify

__all__ = ["ARTICLES_PATH", "build", "main"]

_HERE = Path(__file__).resolve().parent
ARTICLES_PATH = _HERE / "articles.json"
ASSETS_DIR = _HERE / "assets"
DEFAULT_SITE_DIR = _HERE / "site"
DEFAULT_GOLD_PATH = _HERE / "gold.jsonl"
# A directory we may wipe before rebuilding must look like an earlier build: this file marks it.
SITE_MARKER = "robots.txt"
DESCRIPTION = "Render the demo news site and its gold file from articles.json."
SECTION_COLOURS = {"world": "#1f5f8b", "business": "#1e7b4f", "science": "#6a3fa0"}
DEFAULT_COLOUR = "#b3541e"


def _placeholder_svg(seed: str, colour: str, label: str, title: str) -> str:
    """A small picture-like SVG, so image URLs resolve without shipping photographs."""
    digest = hashlib.sha1(seed.encode()).digest()
    shapes = []
    for i in range(0, 12, 3):
        cx, cy, r = digest[i] * 1200 // 255, digest[i + 1] * 675 // 255, 60 + digest[i + 2]
        shapes.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#fff" fill-opacity="0.12"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" '
        'viewBox="0 0 1200 675" role="img">\n'
        f"<title>{escape(title)}</title>\n"
        f'<rect width="1200" height="675" fill="{colour}"/>\n'
        + "\n".join(shapes)
        + f'\n<text x="48" y="620" font-family="Georgia, serif" font-size="40" fill="#fff">'
        f"{escape(label)}</text>\n</svg>\n"
    )


def _logo_svg(site: Site) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="260" height="44" viewBox="0 0 260 44">\n'
        f'<text x="0" y="32" font-family="Georgia, serif" font-size="28" font-weight="700" '
        f'fill="#1b1b1b">{escape(site.name)}</text>\n</svg>\n'
    )


def _favicon_svg() -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
        '<rect width="32" height="32" fill="#a3122f"/>'
        '<text x="7" y="24" font-family="Georgia, serif" font-size="22" fill="#fff">M</text>'
        "</svg>\n"
    )


def _article_images(article: Article, site: Site) -> dict[str, str]:
    colour = SECTION_COLOURS.get(article.section.slug, DEFAULT_COLOUR)
    label = f"{site.name} · {article.section.name}"
    images = {article.image_path: _placeholder_svg(article.slug, colour, label, article.title)}
    figures = [b for b in article.body if b.kind == "figure"]
    for n, block in enumerate(figures, start=1):
        path = f"/static/img/{article.slug}-fig{n}.svg"
        images[path] = _placeholder_svg(f"{article.slug}-{n}", "#3c3c3c", block.credit, block.alt)
    return images


def render_site(site: Site) -> dict[str, str]:
    """Every file of the site as {root-relative path: text}."""
    files: dict[str, str] = {"/index.html": pages.render_home(site)}
    for article in site.articles:
        files[article.path] = render_article(article, site)
        files.update(_article_images(article, site))
    size = feeds.LISTING_PAGE_SIZE
    for section in site.sections:
        articles = site.in_section(section)
        page_count = -(-len(articles) // size)
        for page in range(1, page_count + 1):
            chunk = articles[(page - 1) * size : page * size]
            html = pages.render_listing(site, section, chunk, page, page_count)
            files[section.page_path(page) + "index.html"] = html
    for tag in site.tags():
        files[f"/tag/{slugify(tag)}/index.html"] = pages.render_tag(site, tag)
    for author in site.authors:
        files[author.path + "index.html"] = pages.render_author(site, author)
    files["/about/index.html"] = pages.render_about(site)
    for key in pages.LEGAL_PAGES:
        files[f"/{key}/index.html"] = pages.render_legal(site, key)
    files["/sitemap.xml"] = feeds.render_sitemap_index(site)
    files["/sitemap-articles.xml"] = feeds.render_sitemap_articles(site)
    files["/sitemap-sections.xml"] = feeds.render_sitemap_sections(site)
    files["/feed.xml"] = feeds.render_feed(site)
    files["/robots.txt"] = feeds.render_robots(site)
    files["/static/img/logo.svg"] = _logo_svg(site)
    files["/static/img/favicon.svg"] = _favicon_svg()
    files["/static/img/og-default.svg"] = _placeholder_svg(
        "default", "#a3122f", site.name, site.tagline
    )
    for asset, target in (("site.css", "/static/css/site.css"), ("site.js", "/static/js/site.js")):
        files[target] = (ASSETS_DIR / asset).read_text(encoding="utf-8")
    return files


def _prepare_output(site_dir: Path) -> None:
    """Empty `site_dir` for a fresh build, refusing to wipe anything that is not a build."""
    if site_dir.exists():
        if any(site_dir.iterdir()) and not (site_dir / SITE_MARKER).is_file():
            raise FileExistsError(
                f"{site_dir} is not empty and has no {SITE_MARKER}; refusing to overwrite it"
            )
        shutil.rmtree(site_dir)
    site_dir.mkdir(parents=True)


def build(
    site_dir: Path = DEFAULT_SITE_DIR,
    gold_path: Path = DEFAULT_GOLD_PATH,
    articles_path: Path = ARTICLES_PATH,
) -> int:
    """Write the site into `site_dir` and the gold records to `gold_path`; return file count."""
    site = load_site(articles_path)
    files = render_site(site)
    _prepare_output(site_dir)
    for rel, text in sorted(files.items()):
        target = site_dir / rel.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
    gold_path.parent.mkdir(parents=True, exist_ok=True)
    with gold_path.open("w", encoding="utf-8", newline="\n") as fh:
        for article in site.articles:
            fh.write(json.dumps(article.gold(), ensure_ascii=False) + "\n")
    return len(files)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newscrawl.demo.build", description=DESCRIPTION)
    parser.add_argument("--articles", type=Path, default=ARTICLES_PATH, help="source JSON")
    parser.add_argument("--site-dir", type=Path, default=DEFAULT_SITE_DIR, help="output dir")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD_PATH, help="gold JSONL path")
    args = parser.parse_args(argv)
    try:
        count = build(args.site_dir, args.gold, args.articles)
    except (OSError, ValueError, KeyError) as exc:
        print(f"newscrawl.demo.build: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {count} files to {args.site_dir} and gold to {args.gold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
