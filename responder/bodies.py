"""Human names and alert channels of responsible bodies, from config/organisations.yaml.

A body that is not configured gets a generated name (莲都区生态环境部门) and no channel of its own. The alerts of
a body without a channel (generated, or configured with none) go to the home press office's duty channel
(`Settings.duty_channels`), which can tell it by telephone; with no duty channel either, to the log.
"""

from __future__ import annotations

from yuqing import adcodes
from yuqing.config_models import Channels
from yuqing.divisions import name_of
from yuqing.records import Body, NamedBody
from yuqing.settings import Settings


class Directory:
    """Looks up bodies by (division, domain)."""

    def __init__(self, settings: Settings) -> None:
        self._domains = settings.organisations.domains
        self._bodies = {(b.adcode, b.domain): b for b in settings.organisations.bodies}
        self.duty = settings.duty_channels

    def generated_name(self, adcode: str, domain: str) -> str:
        division = "国家" if adcode == adcodes.NATIONAL else name_of(adcode)
        info = self._domains.get(domain)
        label = info.name if info else domain
        return f"{division}{label}" if label.endswith(("办公室", "办公厅")) else f"{division}{label}部门"

    def named(self, body: Body) -> NamedBody:
        configured = self._bodies.get((body.adcode, body.domain))
        if configured is None:
            return NamedBody(adcode=body.adcode, domain=body.domain, name=self.generated_name(body.adcode, body.domain))
        return NamedBody(adcode=body.adcode, domain=body.domain, name=configured.name, contact=configured.contact)

    def own_channels(self, body: Body) -> Channels:
        configured = self._bodies.get((body.adcode, body.domain))
        return configured.channels if configured is not None else Channels()

    def channels(self, body: Body) -> Channels:
        """The body's own channels, or the duty channel when it has none."""
        own = self.own_channels(body)
        return own if own != Channels() else self.duty
