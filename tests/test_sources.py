"""The sources file: the sample parses, and every mistake names its source and key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newscrawl.exceptions import ConfigError
from newscrawl.ops.schedules import CronSchedule, IntervalSchedule, parse_schedule
from newscrawl.ops.sources import load_sources, parse_sources

REPO = Path(__file__).resolve().parent.parent


def test_sample_sources_file_parses_with_demo_url() -> None:
    sources = {
        s.name: s for s in load_sources(REPO / "sources.toml", {"demo": "http://127.0.0.1:8123"})
    }
    demo = sources["demo"]
    assert demo.start_urls == ["http://127.0.0.1:8123/"]
    assert demo.sitemap_urls == ["http://127.0.0.1:8123/robots.txt"]
    assert demo.schedule == IntervalSchedule("30m", 1800)
    assert demo.spider_args()["source"] == "demo"
    # Defaults' settings are inherited, the source's own win.
    assert demo.setting_args()["DOWNLOAD_DELAY"] == "0.0"
    assert demo.setting_args()["ROBOTSTXT_OBEY"] == "True"
    assert not sources["example-news"].enabled


def test_demo_placeholder_without_value_is_an_error_naming_the_source() -> None:
    with pytest.raises(ConfigError, match=r"source 'demo': key 'start_urls'.*\{demo\}.*--demo"):
        load_sources(REPO / "sources.toml", {})


def test_only_the_chosen_sources_need_their_placeholders_filled() -> None:
    sources = load_sources(REPO / "sources.toml", {}, only=["example-news"])
    assert {s.name for s in sources} >= {"demo", "example-news"}  # all still checked


def test_schedule_only_an_unknown_source_names_it_even_without_demo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from newscrawl.cli import main

    code = main(["schedule", "--once", "--only", "nosuch", "--sources", str(REPO / "sources.toml")])
    assert code == 2
    assert "--only: no such source(s): nosuch" in capsys.readouterr().err


def test_placeholders_can_stay_unresolved_for_status() -> None:
    sources = load_sources(REPO / "sources.toml", None)
    assert sources[0].start_urls == ["{demo}/"]


def _one(**table: object) -> dict[str, object]:
    return {"sources": {"site": {"start_urls": ["http://example.org/"], **table}}}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"start_url": ["http://example.org/"]}, r"source 'site': unknown key 'start_url'"),
        ({"schedule": "every day"}, r"source 'site': key 'schedule'"),
        ({"schedule": "10s"}, r"source 'site': key 'schedule'.*shorter"),
        ({"schedule": "61 * * * *"}, r"source 'site': key 'schedule'.*minute 61"),
        ({"max_articles": -1}, r"source 'site': key 'max_articles' must be >= 0"),
        ({"max_articles": "10"}, r"source 'site': key 'max_articles' must be a int"),
        ({"max_articles": True}, r"source 'site': key 'max_articles' must be a int"),
        ({"follow_links": "no"}, r"source 'site': key 'follow_links' must be a bool"),
        ({"discover": 0}, r"source 'site': key 'discover' must be a bool"),
        ({"sitemap_urls": ["ftp://example.org/s.xml"]}, r"key 'sitemap_urls': not an http"),
        ({"feed_urls": [""]}, r"source 'site': key 'feed_urls' must be a list"),
        ({"settings": {"DOWNLOAD_DELAI": 1}}, r"setting 'DOWNLOAD_DELAI' is not a Scrapy"),
        ({"settings": {"DOWNLOAD_DELAY": "fast"}}, r"setting 'DOWNLOAD_DELAY' must be a float"),
        ({"settings": {"ROBOTSTXT_OBEY": 1}}, r"setting 'ROBOTSTXT_OBEY' must be a bool"),
        ({"settings": {"CONCURRENT_REQUESTS_PER_DOMAIN": 1.5}}, r"must be a int"),
        ({"settings": {"DOWNLOAD_DELAY": -1}}, r"setting 'DOWNLOAD_DELAY' must be >= 0"),
        ({"settings": {"NEWSCRAWL_OUTPUT": "x.jsonl"}}, r"set by the scheduler"),
        ({"settings": {"JOBDIR": "x"}}, r"setting 'JOBDIR' is set by the scheduler"),
    ],
)
def test_bad_values_name_source_and_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_sources(_one(**table))


def test_a_source_can_turn_discovery_off_or_on() -> None:
    (source,) = parse_sources(_one(discover=False))
    assert source.spider_args()["discover"] == "false"
    (feeds_only,) = parse_sources(_one(follow_links=False, discover=True))
    assert feeds_only.spider_args()["discover"] == "true"
    (default,) = parse_sources(_one())
    assert "discover" not in default.spider_args()  # the spider's default: as follow_links


def test_structural_errors() -> None:
    with pytest.raises(ConfigError, match="no sources"):
        parse_sources({})
    with pytest.raises(ConfigError, match="unknown top-level key"):
        parse_sources({"source": {}})
    with pytest.raises(ConfigError, match="name must be lowercase"):
        parse_sources({"sources": {"Bad Name": {"start_urls": ["http://e.org/"]}}})
    with pytest.raises(ConfigError, match="needs start_urls, sitemap_urls, feed_urls or url_file"):
        parse_sources({"sources": {"site": {"schedule": "1h"}}})
    with pytest.raises(ConfigError, match=r"\[defaults\]: unknown key 'shedule'"):
        parse_sources({"defaults": {"shedule": "1h"}, **_one()})


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml: sources file not found"):
        load_sources(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[sources.site\n", "utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_sources(broken)


def test_lists_and_tables_reach_scrapy_as_json() -> None:
    (source,) = parse_sources(_one(settings={"RETRY_HTTP_CODES": [500, 503]}))
    assert source.setting_args() == {"RETRY_HTTP_CODES": "[500, 503]"}


def test_intervals() -> None:
    t = datetime(2024, 5, 1, 10, 7, tzinfo=UTC)
    assert parse_schedule("30m").next_after(t) == datetime(2024, 5, 1, 10, 37, tzinfo=UTC)
    assert parse_schedule("1h30m").next_after(t) == datetime(2024, 5, 1, 11, 37, tzinfo=UTC)
    assert parse_schedule("1d").next_after(t) == datetime(2024, 5, 2, 10, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("*/15 * * * *", datetime(2024, 5, 1, 10, 15, tzinfo=UTC)),
        ("0 6 * * mon-fri", datetime(2024, 5, 2, 6, 0, tzinfo=UTC)),
        ("0 6 * * sat,sun", datetime(2024, 5, 4, 6, 0, tzinfo=UTC)),
        ("30 2 1 * *", datetime(2024, 6, 1, 2, 30, tzinfo=UTC)),
        ("0 0 29 feb *", datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),
        ("0 12 13 * 5", datetime(2024, 5, 3, 12, 0, tzinfo=UTC)),  # the 13th OR a Friday
        ("7 10 * * *", datetime(2024, 5, 2, 10, 7, tzinfo=UTC)),  # strictly after
    ],
)
def test_cron(expr: str, expected: datetime) -> None:
    schedule = parse_schedule(expr)
    assert isinstance(schedule, CronSchedule)
    assert schedule.next_after(datetime(2024, 5, 1, 10, 7, tzinfo=UTC)) == expected


def test_cron_that_never_matches_is_rejected() -> None:
    with pytest.raises(ValueError, match="never matches"):
        parse_schedule("0 0 31 2 *")


def test_schedule_fills_the_demo_placeholder_of_every_source_without_only() -> None:
    import argparse

    from newscrawl.cli.schedule import load

    args = argparse.Namespace(sources=str(REPO / "sources.toml"), only=[])
    (demo,) = [s for s in load(args, {"demo": "http://127.0.0.1:8123"}) if s.name == "demo"]
    assert demo.start_urls == ["http://127.0.0.1:8123/"]


def test_a_url_file_is_found_beside_the_sources_file(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    sources_file = tmp_path / "conf" / "sources.toml"
    sources_file.write_text('[sources.watch]\nurl_file = "lists/watch.csv"\n', "utf-8")
    (watch,) = load_sources(sources_file)
    expected = str((tmp_path / "conf" / "lists" / "watch.csv").resolve())
    assert watch.spider_args()["url_file"] == expected
    with pytest.raises(ConfigError, match="key 'url_file' must be a str"):
        parse_sources({"sources": {"watch": {"url_file": ["a.txt"]}}})
