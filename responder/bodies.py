"""Human names and alert channels of responsible bodies, from config/organisations.yaml.

A body that is not configured gets a generated name (莲都区生态环境部门) and no channel of its own; its alerts go
to the Slack default channel when one is set, else to the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from yuqing.config_models import Channels
from yuqing.divisions import name_of
from yuqing.records import Body
from yuqing.settings import Settings


@dataclass(frozen=True)
class NamedBody:
    adcode: str
    domain: str
    name: str
    contact: str | None
    channels: Channels
    configured: bool

    def as_dict(self) -> dict[str, str | None]:
        return {"adcode": self.adcode, "domain": self.domain, "name": self.name, "contact": self.contact}


class Directory:
    """Looks up bodies by (division, domain)."""

    def __init__(self, settings: Settings) -> None:
        self._domains = settings.organisations.domains
        self._bodies = {(b.adcode, b.domain): b for b in settings.organisations.bodies}
        default = settings.notifications.slack.default_channel
        self._fallback = Channels(slack=default) if default else Channels()

    def generated_name(self, adcode: str, domain: str) -> str:
        division = "国家" if adcode == "000000" else name_of(adcode)
        info = self._domains.get(domain)
        label = info.name if info else domain
        return f"{division}{label}" if label.endswith(("办公室", "办公厅")) else f"{division}{label}部门"

    def lookup(self, body: Body) -> NamedBody:
        configured = self._bodies.get((body.adcode, body.domain))
        if configured is None:
            return NamedBody(
                body.adcode, body.domain, self.generated_name(body.adcode, body.domain), None, self._fallback, False
            )
        has_channel = configured.channels != Channels()
        return NamedBody(
            body.adcode,
            body.domain,
            configured.name,
            configured.contact,
            configured.channels if has_channel else self._fallback,
            True,
        )
