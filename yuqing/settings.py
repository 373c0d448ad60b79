"""Settings: the config folder, validated, plus what only the environment may say.

Environment variables (the README lists them too):
- `YUQING_HOME`: the folder holding `config/` and `data/` (default: below).
- `YUQING_CONFIG`: another config folder (default: `config/` of the home folder).
- `YUQING_SOURCES`: another sources file (default: `sources.yaml` in the config folder).
- `YUQING_DATA`: another data folder (default: `data/` of the home folder).
- `YUQING_DATABASE_URL`: a SQLAlchemy URL; default SQLite in the data folder.
- `YUQING_MODEL`: another trained model file (default: `model/classifier.joblib` in the data folder).
- `YUQING_SLACK_BASE_URL`, `YUQING_SLACK_DEFAULT_CHANNEL`: override `notifications.yaml`'s Slack settings.
- `YUQING_SCRAPY_SETTINGS`: a JSON object of Scrapy settings overriding the crawler's.
- `YUQING_REDIS_URL`, `YUQING_REDIS_PREFIX`: the shared frontier of `crawl --distributed`.
- Secrets, never in files: `SLACK_BOT_TOKEN`, `SMTP_PASSWORD`, and the variables that config names by `*_env` keys
  (a source's `cookies_env`, a webhook's `secret_env`, a body's `slack_webhook_env`), read through `Settings.secret`.

This is the only module that reads the environment: every other part is handed what it needs through `Settings`.
The data folder holds what the service writes (the SQLite database, the trained model); the training corpus and
the segmentation dictionary ship with the code (`data/` of the home folder) and are only read.

The home folder is the source tree when yuqing runs from one (`make install` installs it in editable mode). Installed
from its wheel (the offline bundle), the code lies in site-packages, away from config and data: the home folder is
then `YUQING_HOME`, or else the working directory, which is the unpacked bundle when `make run` starts it there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ValidationError

from yuqing.config_models import (
    BriefingConfig,
    CategoriesConfig,
    Channels,
    NotificationsConfig,
    OrganisationsConfig,
    ResponderConfig,
    SchemesConfig,
    ServiceConfig,
    SourcesConfig,
    TimersConfig,
)
from yuqing.storage.database import url_problem

SOURCE_TREE = Path(__file__).resolve().parent.parent


def home_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The folder holding `config/` and `data/`: YUQING_HOME; else the source tree the code runs from, when it has
    them; else (an install from the wheel) the working directory."""
    env = os.environ if environ is None else environ
    if env.get("YUQING_HOME"):
        return Path(env["YUQING_HOME"])
    if (SOURCE_TREE / "config").is_dir():
        return SOURCE_TREE
    return Path.cwd()


PROJECT_ROOT = home_folder()  # as this process started: for the tests and the evaluation scripts
SHIPPED_DATA = PROJECT_ROOT / "data"  # the corpus, the dictionary and the bundled samples, as the code ships them
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_REDIS_PREFIX = "yuqing:crawl"

Model = TypeVar("Model", bound=BaseModel)


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file, the key path, the value and what was expected."""


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _key_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping: plain YAML lets the second silently win, and a
    config edited by hand is where that happens (two `min_similarity:` lines, the first one being the one read)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice (first on line {seen[key]})", key_node.start_mark
                )
            if isinstance(key, Hashable):
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def load_yaml_model(path: Path, model: type[Model], *, required: bool = True) -> Model:
    """Read one YAML file into its model, turning every failure into a ConfigError that says where and what."""
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: file not found")
        return model()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path}:{where}: not valid YAML: {problem}") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: (top level): got {_describe(data)}; expected a mapping of keys to values")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            key = _key_path(problem["loc"])
            if problem["type"] == "extra_forbidden":
                lines.append(f"{path}: {key}: unknown key (a typo, or a secret that belongs in the environment)")
            elif problem["type"] == "missing":
                lines.append(f"{path}: {key}: missing; expected a value")
            else:
                expected = problem["msg"].removeprefix("Value error, ")
                lines.append(f"{path}: {key}: got {_describe(problem['input'])}; expected {expected}")
        raise ConfigError("\n".join(lines)) from error


@dataclass(frozen=True)
class Secrets:
    slack_bot_token: str | None
    smtp_password: str | None


@dataclass(frozen=True)
class Settings:
    home: Path
    config_dir: Path
    sources_file: Path
    data_dir: Path
    service: ServiceConfig
    sources: SourcesConfig
    schemes: SchemesConfig
    categories: CategoriesConfig
    organisations: OrganisationsConfig
    timers: TimersConfig
    responder: ResponderConfig
    notifications: NotificationsConfig
    briefing: BriefingConfig
    secrets: Secrets = field(repr=False)
    environ: dict[str, str] = field(repr=False, default_factory=dict)  # for the secrets config names by variable
    database_url_override: str | None = None
    model_file_override: Path | None = None
    scrapy_overrides: dict[str, Any] = field(default_factory=dict)
    redis_url: str = DEFAULT_REDIS_URL
    redis_prefix: str = DEFAULT_REDIS_PREFIX

    @cached_property
    def database_url(self) -> str:
        if self.database_url_override:
            return self.database_url_override
        path = Path(self.service.database.sqlite_path)
        if not path.is_absolute():
            path = self.data_dir / path
        return f"sqlite:///{path}"

    @cached_property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.service.timezone)

    @cached_property
    def duty_channels(self) -> Channels:
        """The home press office's duty channel: organisations.yaml's `home.channels`, else the Slack default
        channel (notifications.yaml, or YUQING_SLACK_DEFAULT_CHANNEL), which is the duty channel of an
        installation whose organisations.yaml names none; empty when neither is set (alerts are then logged).

        One place decides it, because the responder addresses alerts to it and `alerts retry` re-addresses to it
        the alerts that had nowhere to go but the log."""
        default = self.notifications.slack.default_channel
        if self.organisations.home.channels != Channels():
            return self.organisations.home.channels
        return Channels(slack=default) if default else Channels()

    @property
    def model_file(self) -> Path:
        return self.model_file_override or self.data_dir / "model" / "classifier.joblib"

    @property
    def corpus_dir(self) -> Path:
        return self.home / "data" / "corpus" / "posts"

    @property
    def dictionary_file(self) -> Path:
        return self.home / "data" / "dictionary" / "government-terms.txt"

    def secret(self, variable: str | None) -> str | None:
        """The value of an environment variable that config names (`cookies_env`, `secret_env`, ...); None if unset."""
        return (self.environ.get(variable) or None) if variable else None

    def child_environment(self) -> dict[str, str]:
        """The environment for a child process of this service (the crawl job), pointing it at the same config,
        data and database, so the child loads exactly these settings."""
        return {
            **self.environ,
            "YUQING_HOME": str(self.home),
            "YUQING_CONFIG": str(self.config_dir),
            "YUQING_SOURCES": str(self.sources_file),
            "YUQING_DATA": str(self.data_dir),
            "YUQING_DATABASE_URL": self.database_url,
        }


def _scrapy_overrides(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        overrides = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError(f"YUQING_SCRAPY_SETTINGS: not JSON ({error.msg} at column {error.colno})") from error
    if not isinstance(overrides, dict):
        raise ConfigError("YUQING_SCRAPY_SETTINGS: expected a JSON object of Scrapy settings")
    return overrides


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Load and validate every config file; raise ConfigError listing all problems found in the first bad file."""
    env = os.environ if environ is None else environ
    home = home_folder(env)
    config_dir = Path(env.get("YUQING_CONFIG") or home / "config")
    if not config_dir.is_dir():
        raise ConfigError(f"{config_dir}: config folder not found (YUQING_CONFIG, or YUQING_HOME for config and data)")
    sources_file = Path(env.get("YUQING_SOURCES") or config_dir / "sources.yaml")
    data_dir = Path(env.get("YUQING_DATA") or home / "data")

    notifications = load_yaml_model(config_dir / "notifications.yaml", NotificationsConfig)
    slack_overrides = {
        key: env[var]
        for key, var in (("base_url", "YUQING_SLACK_BASE_URL"), ("default_channel", "YUQING_SLACK_DEFAULT_CHANNEL"))
        if env.get(var)
    }
    if slack_overrides:
        notifications = notifications.model_copy(
            update={"slack": notifications.slack.model_copy(update=slack_overrides)}
        )

    database_url = env.get("YUQING_DATABASE_URL") or None
    if database_url is not None and (problem := url_problem(database_url)) is not None:
        raise ConfigError(f"YUQING_DATABASE_URL: {problem}")
    return Settings(
        home=home,
        config_dir=config_dir,
        sources_file=sources_file,
        data_dir=data_dir,
        service=load_yaml_model(config_dir / "service.yaml", ServiceConfig),
        sources=load_yaml_model(sources_file, SourcesConfig),
        schemes=load_yaml_model(config_dir / "schemes.yaml", SchemesConfig),
        categories=load_yaml_model(config_dir / "categories.yaml", CategoriesConfig),
        organisations=load_yaml_model(config_dir / "organisations.yaml", OrganisationsConfig),
        timers=load_yaml_model(config_dir / "timers.yaml", TimersConfig),
        responder=load_yaml_model(config_dir / "responder.yaml", ResponderConfig),
        notifications=notifications,
        briefing=load_yaml_model(config_dir / "briefing.yaml", BriefingConfig),
        secrets=Secrets(
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            smtp_password=env.get("SMTP_PASSWORD") or None,
        ),
        environ=dict(env),
        database_url_override=database_url,
        model_file_override=Path(env["YUQING_MODEL"]) if env.get("YUQING_MODEL") else None,
        scrapy_overrides=_scrapy_overrides(env.get("YUQING_SCRAPY_SETTINGS")),
        redis_url=env.get("YUQING_REDIS_URL") or DEFAULT_REDIS_URL,
        redis_prefix=env.get("YUQING_REDIS_PREFIX") or DEFAULT_REDIS_PREFIX,
    )
