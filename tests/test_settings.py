from pathlib import Path

import pytest
from sqlalchemy import inspect
from support.config import edit_config

from yuqing import settings as settings_module
from yuqing.settings import ConfigError, load_settings
from yuqing.storage.database import make_engine


def settings_env(config_dir: Path, **extra: str) -> dict[str, str]:
    return {"YUQING_CONFIG": str(config_dir), **extra}


def test_shipped_config_is_valid_and_complete(config_dir: Path) -> None:
    settings = load_settings(settings_env(config_dir))
    assert settings.organisations.home.adcode == "331100"
    assert settings.organisations.domains["taxation"].vertical
    assert settings.timers.critical.release_hours == 5
    assert settings.timers.critical.press_conference_hours == 24
    assert settings.timers.high.respond_hours == 48
    assert settings.categories.severity["II"].deaths == 10
    assert settings.database_url.startswith("sqlite:///")


def test_bad_value_names_file_key_path_value_and_expectation(config_dir: Path) -> None:
    edit_config(config_dir, "timers.yaml", {"critical": {"release_hours": "five"}})
    with pytest.raises(ConfigError) as caught:
        load_settings(settings_env(config_dir))
    message = str(caught.value)
    assert str(config_dir / "timers.yaml") in message
    assert "critical.release_hours" in message
    assert "'five'" in message
    assert "valid number" in message


def test_nested_list_error_points_at_the_item(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(
        "sources:\n"
        "  - {name: a, type: rss, urls: [http://127.0.0.1/feed], interval: 10m, media: news}\n"
        "  - {name: b, type: rss, urls: [http://127.0.0.1/feed], interval: often, media: news}\n",
        encoding="utf-8",
    )
    # the item's type is part of the path: each type has its own keys
    with pytest.raises(ConfigError, match=r"sources\[1\]\.rss\.interval: got 'often'; expected a duration"):
        load_settings(settings_env(config_dir))


def test_yaml_syntax_error_gives_the_line(config_dir: Path) -> None:
    (config_dir / "briefing.yaml").write_text('at: "08:00"\ncovers_hours: [24\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"briefing\.yaml: line \d+, column \d+: not valid YAML"):
        load_settings(settings_env(config_dir))


@pytest.mark.parametrize(
    ("file", "text", "line", "key"),
    [
        (
            "responder.yaml",
            "events:\n  min_similarity: 0.06\n  window_hours: 72\n  min_similarity: 0.01\n",
            4,
            "min_similarity",
        ),
        ("briefing.yaml", 'at: "08:00"\nat: "09:00"\n', 2, "at"),
        (
            "sources.yaml",
            "sources: []\nsources:\n  - {name: a, type: rss, urls: [http://127.0.0.1/f], media: news}\n",
            2,
            "sources",
        ),
    ],
)
def test_a_key_given_twice_is_refused_with_both_lines(
    config_dir: Path, file: str, text: str, line: int, key: str
) -> None:
    (config_dir / file).write_text(text, encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=rf"{file}: line {line}, column \d+: not valid YAML: key '{key}' given twice \(first on line \d\)",
    ):
        load_settings(settings_env(config_dir))


def test_a_secret_in_a_file_is_refused(config_dir: Path) -> None:
    edit_config(config_dir, "notifications.yaml", {"slack": {"token": "xoxb-123"}})
    with pytest.raises(ConfigError, match=r"slack\.token: unknown key \(a typo, or a secret"):
        load_settings(settings_env(config_dir))


def test_html_source_without_list_selectors_is_refused(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(
        "sources:\n  - {name: gov, type: html, urls: [http://127.0.0.1/], interval: 10m, media: gov}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"sources\[0\]\.html\.list: missing; expected a value"):
        load_settings(settings_env(config_dir))


def test_a_key_of_another_source_type_is_refused_naming_the_type_it_belongs_to(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(
        "sources:\n  - {name: feed, type: rss, urls: [http://127.0.0.1/], interval: 10m, media: news,\n"
        "     list: {links: a}, items: data.list}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(settings_env(config_dir))
    assert "sources[0]: got {'name': 'feed'" in str(caught.value)
    assert str(caught.value).endswith(
        "expected no 'list' or 'items' in rss sources ('list' is for html sources; 'items' is for json sources)"
    )


def test_a_missing_or_unknown_source_type_names_the_types_there_are(config_dir: Path) -> None:
    path = config_dir / "sources.yaml"
    path.write_text("sources:\n  - {name: feed, type: xml, urls: [http://127.0.0.1/], interval: 10m, media: news}\n")
    with pytest.raises(ConfigError, match=r"sources\[0\]: got .*; expected a 'type' of rss, html, json, not 'xml'$"):
        load_settings(settings_env(config_dir))
    path.write_text("sources:\n  - {name: feed, urls: [http://127.0.0.1/], interval: 10m, media: news}\n")
    with pytest.raises(ConfigError, match=r"sources\[0\]: got .*; expected a 'type' of rss, html, json$"):
        load_settings(settings_env(config_dir))


def test_severity_thresholds_must_fall_from_I_to_IV(config_dir: Path) -> None:
    edit_config(config_dir, "categories.yaml", {"severity": {"II": {"deaths": 40}}})
    with pytest.raises(ConfigError, match=r"severity\.deaths thresholds falling from I to IV"):
        load_settings(settings_env(config_dir))


def test_yuqing_sources_swaps_only_the_sources_file(config_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "watch.yaml"
    other.write_text(
        "sources:\n  - {name: api, type: json, urls: ['http://127.0.0.1/api'], interval: 5m, media: weibo,\n"
        "     items: data.list, fields: {text: content, id: mid}, next: {param: page, max_pages: 3}}\n",
        encoding="utf-8",
    )
    settings = load_settings(settings_env(config_dir, YUQING_SOURCES=str(other)))
    assert [s.name for s in settings.sources.sources] == ["api"]
    assert settings.sources.sources[0].next.max_pages == 3
    assert settings.organisations.home.adcode == "331100"


def test_environment_overrides_slack_and_database(config_dir: Path) -> None:
    settings = load_settings(
        settings_env(
            config_dir,
            YUQING_SLACK_BASE_URL="http://127.0.0.1:9/api/",
            YUQING_SLACK_DEFAULT_CHANNEL="#press",
            SLACK_BOT_TOKEN="xoxb-test",
            YUQING_DATABASE_URL="postgresql+psycopg://u@127.0.0.1/x",
        )
    )
    assert settings.notifications.slack.base_url == "http://127.0.0.1:9/api/"
    assert settings.notifications.slack.default_channel == "#press"
    assert settings.secrets.slack_bot_token == "xoxb-test"
    assert settings.database_url == "postgresql+psycopg://u@127.0.0.1/x"


def test_missing_config_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config folder not found"):
        load_settings({"YUQING_CONFIG": str(tmp_path / "nowhere")})


def test_cli_with_bad_config_exits_non_zero_and_leaves_the_database_alone(cli, config_dir: Path, database_url):
    edit_config(config_dir, "organisations.yaml", {"home": {"adcode": "3311"}})
    result = cli("db", "upgrade")
    assert result.returncode == 1
    assert "configuration error" in result.stderr
    assert "home.adcode: got '3311'" in result.stderr
    engine = make_engine(database_url)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def html_source(urls: str = "[http://127.0.0.1/]", links: str = "ul.list a::attr(href)") -> str:
    return (
        "sources:\n  - name: 区政府网站\n    type: html\n"
        f"    urls: {urls}\n    interval: 10m\n    media: gov\n    list: {{links: '{links}'}}\n"
    )


@pytest.mark.parametrize(
    "urls", ["[htp//www.lishui.gov.cn/]", "['http:///list.html']", "[www.lishui.gov.cn/col/list.html]", "['file:']"]
)
def test_a_source_address_without_a_scheme_and_host_is_refused_at_load(config_dir: Path, urls: str) -> None:
    (config_dir / "sources.yaml").write_text(html_source(urls=urls), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\[0\]\.html\.urls\[0\]: got .*; expected an http:// or https://"):
        load_settings(settings_env(config_dir))


@pytest.mark.parametrize("links", ["ul..list a", "ul.list a::atr(href)", "div[class=list a", "a:nth-child(x)"])
def test_a_css_selector_that_does_not_compile_is_refused_at_load(config_dir: Path, links: str) -> None:
    (config_dir / "sources.yaml").write_text(html_source(links=links), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\[0\]\.html\.list\.links: got .*; expected a CSS selector"):
        load_settings(settings_env(config_dir))


def test_file_addresses_and_parsel_selector_extensions_are_accepted(config_dir: Path) -> None:
    (config_dir / "sources.yaml").write_text(
        html_source(
            urls="[file:samples/lishui-gov/list.html, https://www.lishui.gov.cn/col/col1/]", links="a::attr(href)"
        ),
        encoding="utf-8",
    )
    (source,) = load_settings(settings_env(config_dir)).sources.sources
    assert source.urls[0] == "file:samples/lishui-gov/list.html"


def test_a_body_with_a_code_of_no_division_is_refused(config_dir: Path) -> None:
    edit_config(
        config_dir,
        "organisations.yaml",
        {"bodies": [{"adcode": "999999", "domain": "urban_management", "name": "城市管理局"}]},
    )
    with pytest.raises(ConfigError, match=r"bodies\[0\]\.adcode: got '999999'; expected the code of an existing"):
        load_settings(settings_env(config_dir))


def test_yuqing_home_gives_the_config_the_data_and_the_shipped_corpus(tmp_path: Path, config_dir: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    config_dir.rename(home / "config")
    settings = load_settings({"YUQING_HOME": str(home)})
    assert settings.config_dir == home / "config"
    assert settings.data_dir == home / "data"
    assert settings.corpus_dir == home / "data" / "corpus" / "posts"
    assert settings.dictionary_file == home / "data" / "dictionary" / "government-terms.txt"
    assert settings.child_environment()["YUQING_HOME"] == str(home)


def test_installed_from_the_wheel_the_home_is_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_module, "SOURCE_TREE", tmp_path / "site-packages")
    monkeypatch.chdir(tmp_path)
    assert settings_module.home_folder({}) == tmp_path
    assert settings_module.home_folder({"YUQING_HOME": "/srv/yuqing"}) == Path("/srv/yuqing")


def test_run_from_the_source_tree_the_home_is_the_source_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert settings_module.home_folder({}) == settings_module.SOURCE_TREE
