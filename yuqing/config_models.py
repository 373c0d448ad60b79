"""The shape of every file in `config/`, as pydantic models.

Each model forbids unknown keys, so a typo is an error instead of a silently ignored setting.
Secrets never appear here: they are read from the environment by `yuqing.settings`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from cssselect import SelectorError
from parsel.csstranslator import css2xpath
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from yuqing.known_divisions import is_known_division
from yuqing.vocabulary import Category, Handling, Level, Media, ObligationKind, Priority, Severity, SourceType

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object) -> timedelta:
    """Read '30s', '10m', '2h', '1d' (or a number of seconds) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError("a duration like '30s', '10m', '2h' or '1d'")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("a duration above zero")
    return timedelta(seconds=seconds)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def _known_division(code: str) -> str:
    if not is_known_division(code):
        raise ValueError("the code of an existing division (none has this code)")
    return code


# A 6-digit division code (DOMAIN.md §6) of a division that exists.
Adcode = Annotated[str, Field(pattern=r"^\d{6}$"), AfterValidator(_known_division)]


def _named_once(items: list[Any], what: str) -> list[Any]:
    names = [item.name for item in items]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"unique {what} names; repeated: {', '.join(repeated)}")
    return items


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- service.yaml -------------------------------------------------------------------------------------------


class WebConfig(Strict):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)


class DatabaseConfig(Strict):
    # Relative paths are taken from the data folder; YUQING_DATABASE_URL overrides this.
    sqlite_path: str = "yuqing.db"


class JobConfig(Strict):
    every: Duration
    enabled: bool = True


class ServiceConfig(Strict):
    timezone: str = "Asia/Shanghai"
    web: WebConfig = WebConfig()
    database: DatabaseConfig = DatabaseConfig()
    jobs: dict[str, JobConfig] = {}

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("an IANA time zone name such as 'Asia/Shanghai'") from error
        return value


# --- sources.yaml -------------------------------------------------------------------------------------------


def _compiled_selector(value: str | None) -> str | None:
    """A CSS selector that parsel (the crawler's parser) can compile, with its ::text and ::attr() extensions:
    checked at load, so a typo is a config error naming the key, not a source that silently finds nothing."""
    if value is None:
        return value
    try:
        css2xpath(value)
    except (SelectorError, ValueError) as error:
        raise ValueError(f"a CSS selector ({error})") from error
    return value


Selector = Annotated[str, AfterValidator(_compiled_selector)]


class ListSelectors(Strict):
    links: Selector
    next: Selector | None = None


class DetailSelectors(Strict):
    title: Selector | None = None
    text: Selector | None = None
    published_at: Selector | None = None
    author: Selector | None = None


class JsonFields(Strict):
    id: str | None = None
    title: str | None = None
    text: str
    url: str | None = None
    published_at: str | None = None
    author: str | None = None
    reposts: str | None = None
    comments: str | None = None
    likes: str | None = None


class JsonPaging(Strict):
    param: str
    start: int = 1
    max_pages: int = Field(5, ge=1)


def _fetchable(url: str) -> str:
    """An http(s) address with a host, or `file:` and a path (the bundled samples): checked at load, so a mistyped
    address is a config error, not a run recorded as a success with no items."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return url
    if parts.scheme == "file" and parts.path:
        return url
    raise ValueError("an http:// or https:// address with a host, or file: with a path")


class SourceBase(Strict):
    """What every source has, whatever its type."""

    name: str = Field(min_length=1)
    urls: list[Annotated[str, AfterValidator(_fetchable)]] = Field(min_length=1)
    interval: Duration
    media: Media
    enabled: bool = True
    headers: dict[str, str] = {}
    cookies_env: str | None = Field(None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    obey_robots: bool = True
    max_pages: int = Field(5, ge=1)


class RssSource(SourceBase):
    """An RSS 2.0 or Atom feed (RSSHub's too): each entry is a post."""

    type: Literal[SourceType.RSS]


class HtmlSource(SourceBase):
    """A list page whose links lead to articles, and the pages after it."""

    type: Literal[SourceType.HTML]
    listing: ListSelectors = Field(alias="list")
    detail: DetailSelectors = DetailSelectors()


class JsonSource(SourceBase):
    """A paged JSON API: each item at the dotted path `items` is a post, its fields at their own paths."""

    type: Literal[SourceType.JSON]
    items: str
    fields: JsonFields
    next: JsonPaging | None = None


# Every source type's config, told apart by `type`; a new type's config class is added here (and the crawler's
# registry in crawler/source_types/ gets its parser).
SourceTypes = RssSource | HtmlSource | JsonSource


def _keys(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def _explain_type_mistakes(value: Any) -> Any:
    """Name a missing or unknown `type`, and a key that belongs to another type, in the file's own words.

    The union refuses both by itself, but its messages speak of an unmatched "tag" and call another type's key
    a typo; a person fixing the file needs the types there are and the type the key belongs to."""
    if not isinstance(value, dict):
        return value
    by_type = {get_args(model.model_fields["type"].annotation)[0]: model for model in get_args(SourceTypes)}
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in by_type:
        given = f", not {kind!r}" if "type" in value else ""
        raise ValueError(f"a 'type' of {', '.join(by_type)}{given}")
    own = _keys(by_type[kind])
    misplaced = {
        key: [other for other, model in by_type.items() if key in _keys(model)] for key in value if key not in own
    }
    misplaced = {key: owners for key, owners in misplaced.items() if owners}  # the rest are typos: the model says so
    if misplaced:
        keys = " or ".join(repr(key) for key in misplaced)
        owners = "; ".join(f"{key!r} is for {' and '.join(types)} sources" for key, types in misplaced.items())
        raise ValueError(f"no {keys} in {kind} sources ({owners})")
    return value


Source = Annotated[SourceTypes, Field(discriminator="type"), BeforeValidator(_explain_type_mistakes)]


class SourceHealthRules(Strict):
    """When a source's runs raise a health alert (crawler/health.py reads these)."""

    failures_before_alert: int = Field(3, ge=1)  # failed runs in a row
    collapse_fraction: float = Field(0.25, gt=0, lt=1)  # a run below this share of the recent median collapsed
    collapse_baseline_runs: int = Field(5, ge=2)  # the recent successful runs whose median is the baseline
    collapse_min_items: int = Field(4, ge=1)  # below this median a drop is noise, not a collapse


class SourcesConfig(Strict):
    health: SourceHealthRules = SourceHealthRules()
    sources: list[Source] = []

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[Source]) -> list[Source]:
        return _named_once(sources, "source")


# --- schemes.yaml -------------------------------------------------------------------------------------------


class Scheme(Strict):
    """A monitoring scheme: a named boolean keyword expression (the classifier evaluates it)."""

    name: str = Field(min_length=1)
    expression: str = Field(min_length=1)
    fields: list[Literal["title", "text"]] = Field(["title", "text"], min_length=1)  # none would never match
    set_category: Category | None = None
    raise_priority: Literal[Priority.CRITICAL, Priority.HIGH] | None = None
    enabled: bool = True

    @field_validator("expression")
    @classmethod
    def _parses(cls, value: str) -> str:
        """A scheme that cannot be parsed is refused at load time, not found broken while posts go unmatched."""
        from yuqing.expressions import ExpressionError, parse

        try:
            parse(value)
        except ExpressionError as error:
            raise ValueError(f"a valid keyword expression ({error})") from error
        return value


class SchemesConfig(Strict):
    schemes: list[Scheme] = []

    @field_validator("schemes")
    @classmethod
    def _unique_names(cls, schemes: list[Scheme]) -> list[Scheme]:
        return _named_once(schemes, "scheme")  # a post's explanation names the schemes that matched it


# --- categories.yaml ----------------------------------------------------------------------------------------


class CategoryInfo(Strict):
    name: str
    focus: str  # the 收集重点 wording of the seeds


class HandlingInfo(Strict):
    name: str
    action: str  # the recommended action shown with a case


class SeverityThreshold(Strict):
    """The least figure that reaches this level; a criterion left out does not apply to it."""

    deaths: int | None = Field(None, ge=0)
    serious_injuries: int | None = Field(None, ge=0)
    direct_loss_cny: int | None = Field(None, ge=0)
    magnitude: float | None = Field(None, ge=0)


class CategoriesConfig(Strict):
    categories: dict[Category, CategoryInfo]
    handling: dict[Handling, HandlingInfo]
    severity: dict[Severity, SeverityThreshold]
    severity_wording: dict[str, Severity] = {}
    critical_severities: list[Severity] = ["I", "II"]

    @model_validator(mode="after")
    def _complete_and_ordered(self) -> CategoriesConfig:
        for key, ids in (("categories", Category), ("handling", Handling), ("severity", Severity)):
            missing = [i for i in ids if i not in getattr(self, key)]
            if missing:
                raise ValueError(f"'{key}' to list every id; missing: {', '.join(missing)}")
        for criterion in ("deaths", "serious_injuries", "direct_loss_cny", "magnitude"):
            values = [getattr(self.severity[level], criterion) for level in Severity]
            present = [v for v in values if v is not None]
            if present != sorted(present, reverse=True):
                raise ValueError(f"severity.{criterion} thresholds falling from I to IV; got {values}")
        return self


# --- organisations.yaml -------------------------------------------------------------------------------------


class DomainInfo(Strict):
    name: str
    vertical: bool = False
    coordinator: bool = False


LOG_CHANNEL = "log"  # where an alert goes when no channel is configured for it: the service log, and nowhere else


class Channels(Strict):
    """Where a body's (or the operators') alerts go. Each field is one channel of the notifications stage's
    transport registry: the field's name is the channel's, unless its `channel` extra says otherwise."""

    slack: str | None = None  # a channel name or id
    slack_webhook_env: str | None = Field(
        None, pattern=r"^[A-Z_][A-Z0-9_]*$", json_schema_extra={"channel": "slack_webhook"}
    )  # the environment variable holding the incoming webhook's URL (a secret)
    email: list[str] = []
    webhook: str | None = None  # a webhook's name in notifications.yaml

    def recipients(self) -> list[tuple[str, str]]:
        """(channel, recipient) pairs, in the fields' order; the log when none is configured."""
        pairs = []
        for name, info in type(self).model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            channel = str(extra.get("channel", name))
            value = getattr(self, name)
            values = value if isinstance(value, list) else [value]
            pairs += [(channel, recipient) for recipient in values if recipient]
        return pairs or [(LOG_CHANNEL, LOG_CHANNEL)]

    def addresses(self) -> list[str]:
        """The configured recipients as `channel:recipient`, as `yuqing alerts` writes them; none when unset."""
        return [f"{channel}:{recipient}" for channel, recipient in self.recipients() if channel != LOG_CHANNEL]


class Body(Strict):
    adcode: Adcode
    domain: str
    name: str
    contact: str | None = None
    channels: Channels = Channels()


class Jurisdiction(Strict):
    adcode: Adcode
    name: str
    # The press office's duty channel (值班): it hears every alert about a case in the jurisdiction, and stands
    # in for every body that has no channel of its own.
    channels: Channels = Channels()


REQUIRED_DOMAINS = ("government", "propaganda", "public_security", "cyberspace")


class OrganisationsConfig(Strict):
    home: Jurisdiction
    domains: dict[str, DomainInfo]
    severity_min_level: dict[Severity, Level]
    bodies: list[Body] = []

    def bodies_without_channel(self) -> list[Body]:
        """The named bodies that configure no alert channel: nobody hears their alerts but the duty channel, so
        the start-up banner and /healthz name them for someone to fix."""
        return [body for body in self.bodies if body.channels == Channels()]

    @model_validator(mode="after")
    def _bodies_use_known_domains(self) -> OrganisationsConfig:
        missing = [d for d in REQUIRED_DOMAINS if d not in self.domains]
        if missing:
            raise ValueError(f"'domains' to include {', '.join(missing)} (the rules name them)")
        for index, body in enumerate(self.bodies):
            if body.domain not in self.domains:
                raise ValueError(f"bodies[{index}].domain to be one of the configured domains; got {body.domain!r}")
        missing_levels = [s for s in Severity if s not in self.severity_min_level]
        if missing_levels:
            raise ValueError(f"'severity_min_level' for every level; missing: {', '.join(missing_levels)}")
        return self


# --- timers.yaml --------------------------------------------------------------------------------------------


class CriticalTimers(Strict):
    release_hours: float = Field(5, gt=0)
    press_conference_hours: float = Field(24, gt=0)
    follow_up_every_hours: float = Field(24, gt=0)


class HighTimers(Strict):
    respond_hours: float = Field(48, gt=0)


class TimersConfig(Strict):
    critical: CriticalTimers = CriticalTimers()
    high: HighTimers = HighTimers()
    warn_at: list[float] = [0.5, 0.8]
    poll: Duration = timedelta(minutes=1)

    def hours(self, kind: ObligationKind) -> float:
        return {
            ObligationKind.RELEASE: self.critical.release_hours,
            ObligationKind.PRESS_CONFERENCE: self.critical.press_conference_hours,
            ObligationKind.FOLLOW_UP: self.critical.follow_up_every_hours,
            ObligationKind.RESPOND: self.high.respond_hours,
        }[kind]

    def due(self, kind: ObligationKind, starts_at: datetime) -> datetime:
        """The one deadline rule: an obligation of `kind` started at `starts_at` is due this many hours later."""
        return starts_at + timedelta(hours=self.hours(kind))

    @field_validator("warn_at")
    @classmethod
    def _fractions(cls, values: list[float]) -> list[float]:
        if any(not 0 < v < 1 for v in values) or values != sorted(set(values)):
            raise ValueError("rising fractions between 0 and 1, e.g. [0.5, 0.8]")
        return values


# --- responder.yaml -----------------------------------------------------------------------------------------


class EventRules(Strict):
    window_hours: float = Field(72, gt=0)  # a post joins an event whose last post is at most this old
    min_similarity: float = Field(0.06, gt=0, le=1)  # cosine of the post's and the event's TF-IDF key terms
    min_similarity_across_categories: float = Field(0.1, gt=0, le=1)  # ... when their categories differ
    # ... when the post names a county (or a town in it) the event is in, and their categories are the same: the
    # shared place supports a weaker wording match, it never makes one
    min_similarity_in_same_county: float = Field(0.02, gt=0, le=1)
    min_confidence: float = Field(0.5, ge=0, le=1)  # below this, a post cannot set the event's labels
    central_media: list[str] = []  # names that make coverage "central media" when they appear as source or author


class CaseRules(Strict):
    open_high_at_heat: int = Field(50, ge=1)  # posts (with their copies) + reposts + comments
    open_high_when_media: list[Media] = ["news", "gov"]
    open_outside_home: bool = False


class ResponderConfig(Strict):
    events: EventRules = EventRules()
    cases: CaseRules = CaseRules()


# --- notifications.yaml -------------------------------------------------------------------------------------


class SlackConfig(Strict):
    base_url: str = "https://slack.com/api/"
    default_channel: str | None = None
    timeout_seconds: float = Field(10, gt=0)
    rate_limit_retries: int = Field(3, ge=0)  # 429s waited out in place (Retry-After) before the row is rescheduled


class EmailConfig(Strict):
    host: str | None = None
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    sender: str | None = None
    ca_file: str | None = None  # a private certificate authority, as government networks often have
    timeout_seconds: float = Field(10, gt=0)


class WebhookConfig(Strict):
    name: str
    url: str
    style: Literal["generic", "dingtalk", "wecom"] = "generic"  # the body shape the receiver expects
    secret_env: str | None = Field(None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    timeout_seconds: float = Field(10, gt=0)


class DispatchConfig(Strict):
    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(30, gt=0)
    batch: int = Field(100, ge=1)
    lease_seconds: float = Field(120, gt=0)  # a claimed alert not marked sent by then is checked, then resent


class NotificationsConfig(Strict):
    console_url: str | None = None  # the console's public address; alerts link a case there once it is set
    operators: Channels = Channels()  # who hears about the monitor itself, e.g. a source that stopped delivering
    slack: SlackConfig = SlackConfig()
    email: EmailConfig = EmailConfig()
    webhooks: list[WebhookConfig] = []
    dispatch: DispatchConfig = DispatchConfig()


# --- briefing.yaml ------------------------------------------------------------------------------------------


# Chinese type sizes (字号) in points, as offices name them in their document style.
TYPE_SIZES = {
    "初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16, "小三": 15,
    "四号": 14, "小四": 12, "五号": 10.5, "小五": 9,
}  # fmt: skip


class FontStyle(Strict):
    """A font by the name Word knows it (黑体, 仿宋_GB2312, 宋体) and a size by its Chinese name (二号, 四号)."""

    name: str
    size: Literal["初号", "小初", "一号", "小一", "二号", "小二", "三号", "小三", "四号", "小四", "五号", "小五"]

    @property
    def points(self) -> float:
        return TYPE_SIZES[self.size]


class BriefingFonts(Strict):
    title: FontStyle = FontStyle(name="黑体", size="二号")
    heading: FontStyle = FontStyle(name="黑体", size="三号")
    body: FontStyle = FontStyle(name="仿宋", size="四号")
    table: FontStyle = FontStyle(name="仿宋", size="五号")


class BriefingConfig(Strict):
    at: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    covers_hours: float = Field(24, gt=0)
    recipients: Channels = Channels()
    top_events: int = Field(10, ge=1)
    issuer: str | None = None  # the issuing unit on the date line; the home jurisdiction's name when unset
    periods: list[Literal["day", "week", "month"]] = [
        "day"
    ]  # what the service writes: week on Mondays, month on the 1st
    formats: list[Literal["docx", "html", "md"]] = ["docx", "html", "md"]
    folder: str = "briefings"  # where the service writes the files, in the data folder unless absolute
    fonts: BriefingFonts = BriefingFonts()

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.at.split(":")
        return int(hour), int(minute)
