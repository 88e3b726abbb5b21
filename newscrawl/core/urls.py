"""URL identity: which site a URL belongs to and when two URLs name the same article.

Tracking parameters, fragments, `www.`, AMP variants and scheme differ between links to one
article; `url_key` folds them so the dedup store sees one article once.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import extract_domain, normalize_url

__all__ = [
    "canonicalize",
    "link_key",
    "link_site_and_key",
    "registered_domain",
    "url_key",
]

_AMP_PATH = re.compile(r"(/amp/?$|\.amp(?=\.html?$)|/amp(?=/))", re.IGNORECASE)
_AMP_QUERY = frozenset(["amp", "outputtype", "output"])


# Session ids in addresses (PHP, Java, ASP, ColdFusion): one visitor's, never the article's.
_SESSION_PARAMS = frozenset(
    "phpsessid jsessionid sid sessionid session_id aspsessionid cfid cftoken".split()
)
_SESSION_HINT = re.compile(r"sess|sid=|cfid|cftoken", re.IGNORECASE)
_PATH_SESSION = re.compile(r"(?:;|%3B)jsessionid=[^/?#]*", re.IGNORECASE)


def canonicalize(url: str) -> str:
    """Normalised absolute URL: lowercase host, no fragment, no tracking or session
    parameters."""
    try:
        # Non-strict mode keeps real query parameters (article ids) and drops known trackers.
        url = str(normalize_url(url)).split("#", 1)[0]
    except Exception:  # courlan raises on malformed hosts; keep the raw URL as its own identity
        return url.split("#", 1)[0]
    if _SESSION_HINT.search(url):
        parts = urlsplit(url)
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _SESSION_PARAMS and not k.lower().startswith("aspsessionid")
        ]
        path = _PATH_SESSION.sub("", parts.path)
        url = urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
    return url


def registered_domain(url: str) -> str:
    """The site a URL belongs to: its registered domain, or host:port for IPs and bare hosts."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        # Saved pages without a URL: the files of one directory are treated as one site.
        return "file:" + parts.path.rsplit("/", 1)[0]
    try:
        port = parts.port
    except ValueError:
        port = None
    return _site_of_host((parts.hostname or "").lower(), port)


@lru_cache(maxsize=4096)
def _site_of_host(host: str, port: int | None) -> str:
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        is_ip = True
    except ValueError:
        is_ip = False
    if is_ip or "." not in host:
        return f"{host}:{port}" if port else host
    domain = extract_domain(f"http://{host}/")
    return str(domain) if domain else host.removeprefix("www.")


def url_key(url: str) -> str:
    """Identity of the article behind a URL: scheme, `www.`, AMP and tracking folded away."""
    parts = urlsplit(canonicalize(url))
    host = (parts.hostname or "").removeprefix("www.").removeprefix("amp.")
    if parts.port:
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _AMP_QUERY]
    return urlunsplit(("", host, path, urlencode(sorted(query)), "")).lstrip("/")


def link_key(url: str) -> str:
    """Cheap identity of a link target for the template model: host and path only.

    Thousands of links per page are keyed, so this skips courlan and caches per host; it
    folds `www.`, AMP and trailing slashes like `url_key`, and ignores the query (two pages
    that differ only there then share a key, which can only make the model keep a teaser,
    never drop an article).
    """
    return link_site_and_key(url)[1]


def link_site_and_key(url: str) -> tuple[str, str]:
    """(`registered_domain(url)`, `link_key(url)`) for an absolute URL, in one cheap pass."""
    _, sep, rest = url.partition("://")
    if not sep:
        return "", url
    cut = len(rest)
    for mark in "/?#":
        at = rest.find(mark)
        if 0 <= at < cut:
            cut = at
    netloc, path = rest[:cut], rest[cut:]
    # The path ends at the query or fragment (`cut` stopped at the first of /?#).
    path = path.split("?", 1)[0].split("#", 1)[0]
    site, host = _netloc_parts(netloc)
    if "amp" in path or "AMP" in path or "Amp" in path:
        path = _AMP_PATH.sub("", path)
    return site, host + path.rstrip("/")


@lru_cache(maxsize=4096)
def _netloc_parts(netloc: str) -> tuple[str, str]:
    """(site key, folded host[:port]) of a URL's netloc."""
    parts = urlsplit("//" + netloc)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    folded = host.removeprefix("www.").removeprefix("amp.")
    return _site_of_host(host, port), f"{folded}:{port}" if port else folded
