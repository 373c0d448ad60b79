"""The ways an alert leaves the building: Slack (Web API or incoming webhook), email, JSON webhooks, the log.

One class per channel, found through `TRANSPORTS` by the channel's name (the name of its field in the config's
`Channels`, see `yuqing.config_models.Channels.recipients`). A transport is built once per dispatcher with
`from_settings`; `ready(recipient)` says whether a message to that recipient can go out at all (a channel with
no token, server or URL configured cannot: the alert is logged and kept); `send` sends one rendered alert and
either returns a reference (Slack: `channel_id/ts`) or raises `Permanent` (retrying cannot help: a wrong
channel, a revoked token) or `RetryLater` (it may work later). Every network call has a timeout.

Adding a channel: a field in `Channels` (config_models), one class here with those three methods, and one line
in `TRANSPORTS`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import mimetypes
import re
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Self

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from notifications.render import Rendered
from yuqing.config_models import LOG_CHANNEL, EmailConfig, SlackConfig, WebhookConfig
from yuqing.settings import Settings

log = logging.getLogger("yuqing.alerts")

METADATA_EVENT = "yuqing_alert"
SLACK_PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "invalid_blocks",
        "msg_too_long",
        "restricted_action",
        "ekm_access_denied",
        "team_access_not_granted",
    }
)
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")


class Permanent(Exception):
    """Delivery cannot succeed without someone changing the configuration."""


class RetryLater(Exception):
    def __init__(self, message: str, after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.after_seconds = after_seconds


class Transport:
    """A channel's way out. The defaults suit a transport that needs no configuration and cannot be asked
    afterwards whether a message arrived."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls()

    def ready(self, recipient: str) -> bool:
        return True

    def send(self, recipient: str, rendered: Rendered, key: str, thread: str | None) -> str | None:
        raise NotImplementedError

    def find_sent(self, recipient: str, key: str, since: float, thread: str | None, known: str | None) -> str | None:
        """The reference of a message carrying `key` sent since `since` (epoch seconds), when the channel can be
        asked; None otherwise (the alert is then sent again, with the same key for the receiver to drop it)."""
        return None


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") or headers.get("retry-after") if headers else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class SlackTransport(Transport):
    """chat.postMessage with Block Kit; the outbox key rides along as message metadata so that after a crash
    the dispatcher can find a message it sent but did not get to mark (`find`)."""

    def __init__(self, config: SlackConfig, token: str | None) -> None:
        self.token = token
        self.client = WebClient(
            token=token,
            base_url=config.base_url if config.base_url.endswith("/") else config.base_url + "/",
            timeout=int(config.timeout_seconds),
            retry_handlers=[
                RateLimitErrorRetryHandler(max_retry_count=config.rate_limit_retries),
                ConnectionErrorRetryHandler(max_retry_count=1),
            ],
        )
        self._ids: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(settings.notifications.slack, settings.secrets.slack_bot_token)

    def ready(self, recipient: str) -> bool:
        return self.token is not None

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(**kwargs)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            status = error.response.status_code if error.response is not None else None
            if status == 429:
                raise RetryLater("Slack rate limit", _retry_after(error.response.headers)) from error
            if code in SLACK_PERMANENT:
                raise Permanent(f"Slack {method}: {code}") from error
            raise RetryLater(f"Slack {method}: {code or status}") from error
        except (SlackClientError, OSError) as error:
            raise RetryLater(f"Slack {method}: {type(error).__name__}: {error}") from error

    def send(self, recipient: str, rendered: Rendered, key: str, thread: str | None) -> str:
        response = self._call(
            "chat_postMessage",
            channel=recipient,
            text=rendered.text,
            blocks=rendered.blocks,
            thread_ts=thread.split("/")[1] if thread else None,
            unfurl_links=False,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"key": key}},
        )
        self._ids[recipient] = response["channel"]
        for path in rendered.attachments:  # a briefing's Word file, in the thread of its summary
            name = Path(path).name
            if not Path(path).exists():
                raise Permanent(f"attachment {name} is missing")
            self._call(
                "files_upload_v2", channel=response["channel"], file=path, filename=name, title=name,
                thread_ts=response["ts"],
            )  # fmt: skip
        return f"{response['channel']}/{response['ts']}"

    def channel_id(self, recipient: str, known: str | None) -> str | None:
        """A channel name resolved to its id: given, learnt from an earlier post, or looked up (bounded pages)."""
        if _CHANNEL_ID.match(recipient):
            return recipient
        if known or recipient in self._ids:
            return known or self._ids[recipient]
        name, cursor = recipient.lstrip("#"), None
        for _ in range(20):
            page = self._call("conversations_list", limit=200, cursor=cursor, types="public_channel,private_channel")
            for channel in page.get("channels", []):
                if channel.get("name") == name:
                    return channel["id"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def find_sent(self, recipient: str, key: str, since: float, thread: str | None, known: str | None) -> str | None:
        """Looks in the channel (or the case's thread) for a message whose metadata carries `key`."""
        channel_id = self.channel_id(recipient, known)
        return self.find(channel_id, key, since, thread) if channel_id else None

    def find(self, channel_id: str, key: str, since: float, thread: str | None) -> str | None:
        """The reference of a message carrying `key`, posted since `since` (epoch seconds), if there is one."""
        if thread:
            page = self._call(
                "conversations_replies",
                channel=channel_id,
                ts=thread.split("/")[1],
                oldest=f"{since:.6f}",
                include_all_metadata=True,
                limit=200,
            )
        else:
            page = self._call(
                "conversations_history", channel=channel_id, oldest=f"{since:.6f}", include_all_metadata=True, limit=200
            )
        for message in page.get("messages", []):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and metadata.get("event_payload", {}).get("key") == key:
                return f"{channel_id}/{message['ts']}"
        return None


class SlackWebhookTransport(Transport):
    """A Slack incoming webhook: the recipient names the environment variable holding its URL (a secret). No
    threads, and no way to check after a crash."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = int(settings.notifications.slack.timeout_seconds)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(settings)

    def ready(self, recipient: str) -> bool:
        return self.settings.secret(recipient) is not None

    def send(self, recipient: str, rendered: Rendered, key: str, thread: str | None) -> None:
        client = WebhookClient(self.settings.secret(recipient) or "", timeout=self.timeout)
        try:
            response = client.send(text=rendered.text, blocks=rendered.blocks)
        except OSError as error:
            raise RetryLater(f"Slack webhook: {error}") from error
        if response.status_code == 429:
            raise RetryLater("Slack webhook rate limit", _retry_after(response.headers))
        if 400 <= response.status_code < 500:
            raise Permanent(f"Slack webhook: HTTP {response.status_code} {response.body}")
        if response.status_code != 200:
            raise RetryLater(f"Slack webhook: HTTP {response.status_code}")
        return None


class EmailTransport(Transport):
    """SMTP with STARTTLS; the Message-ID comes from the outbox key, so a resent copy is recognisably the same."""

    def __init__(self, config: EmailConfig, password: str | None) -> None:
        self.config, self.password = config, password

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(settings.notifications.email, settings.secrets.smtp_password)

    def ready(self, recipient: str) -> bool:
        return self.config.host is not None

    def send(self, recipient: str, rendered: Rendered, key: str, thread: str | None) -> str:
        message = EmailMessage()
        message["Subject"] = rendered.subject
        message["From"] = self.config.sender or self.config.username or "yuqing@localhost"
        message["To"] = recipient
        message_id = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@yuqing>"
        message["Message-ID"] = message_id
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        for path in rendered.attachments:
            try:
                data = Path(path).read_bytes()
            except OSError as error:
                raise Permanent(f"attachment {Path(path).name}: {error.strerror}") from error
            maintype, subtype = (mimetypes.guess_type(path)[0] or "application/octet-stream").split("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=Path(path).name)
        try:
            with smtplib.SMTP(self.config.host or "", self.config.port, timeout=self.config.timeout_seconds) as smtp:
                if self.config.starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=self.config.ca_file))
                if self.config.username:
                    smtp.login(self.config.username, self.password or "")
                smtp.send_message(message)
        except (
            smtplib.SMTPAuthenticationError,
            smtplib.SMTPRecipientsRefused,
            smtplib.SMTPNotSupportedError,
            ssl.SSLCertVerificationError,
        ) as error:
            raise Permanent(f"SMTP: {type(error).__name__}: {error}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise RetryLater(f"SMTP: {type(error).__name__}: {error}") from error
        return message_id


def _markdown(rendered: Rendered) -> str:
    return rendered.text.replace("\n", "\n\n")


class Webhook:
    """A JSON webhook; `generic` bodies carry the whole alert and, with a secret, an HMAC signature header;
    `dingtalk` and `wecom` bodies are the robots' markdown messages (DingTalk signs in the URL)."""

    def __init__(self, config: WebhookConfig, secret: str | None) -> None:
        self.config, self.secret = config, secret

    def _request(self, rendered: Rendered, key: str) -> urllib.request.Request:
        url, headers = self.config.url, {"Content-Type": "application/json", "X-Yuqing-Delivery": key}
        if self.config.style == "dingtalk":
            body = {"msgtype": "markdown", "markdown": {"title": rendered.subject, "text": _markdown(rendered)}}
            if self.secret:
                stamp = str(int(time.time() * 1000))
                digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256).digest()
                sign = urllib.parse.quote_plus(base64.b64encode(digest))
                url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={sign}"
        elif self.config.style == "wecom":
            body = {"msgtype": "markdown", "markdown": {"content": _markdown(rendered)}}
        else:
            body = {"key": key, "subject": rendered.subject, "text": rendered.text, "alert": rendered.alert}
        data = json.dumps(body, ensure_ascii=False).encode()
        if self.secret and self.config.style == "generic":
            stamp = str(int(time.time()))
            signature = hmac.new(self.secret.encode(), stamp.encode() + b"." + data, hashlib.sha256).hexdigest()
            headers.update({"X-Yuqing-Timestamp": stamp, "X-Yuqing-Signature": f"sha256={signature}"})
        return urllib.request.Request(url, data=data, headers=headers, method="POST")

    def send(self, rendered: Rendered, key: str) -> None:
        request = self._request(rendered, key)
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_seconds) as response:
                answer = response.read(65536)
        except urllib.error.HTTPError as error:
            if error.code in (408, 429) or error.code >= 500:
                raise RetryLater(
                    f"webhook {self.config.name}: HTTP {error.code}", _retry_after(error.headers)
                ) from error
            raise Permanent(f"webhook {self.config.name}: HTTP {error.code}") from error
        except OSError as error:
            raise RetryLater(f"webhook {self.config.name}: {error}") from error
        if self.config.style != "generic":
            try:
                errcode = json.loads(answer or b"{}").get("errcode", 0)
            except (ValueError, AttributeError):
                errcode = 0
            if errcode:
                raise Permanent(f"webhook {self.config.name}: errcode {errcode}: {answer[:200]!r}")


class WebhookTransport(Transport):
    """The webhooks of notifications.yaml; the recipient is a webhook's name."""

    def __init__(self, webhooks: dict[str, Webhook]) -> None:
        self.webhooks = webhooks

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls({w.name: Webhook(w, settings.secret(w.secret_env)) for w in settings.notifications.webhooks})

    def send(self, recipient: str, rendered: Rendered, key: str, thread: str | None) -> None:
        webhook = self.webhooks.get(recipient)
        if webhook is None:
            raise Permanent(f"no webhook named {recipient!r} in notifications.yaml")
        webhook.send(rendered, key)


class LogTransport(Transport):
    """Where alerts go while nothing else is configured: the service log (they stay in the outbox too)."""

    def send(self, recipient: str, rendered: Rendered, key: str, thread: str | None) -> None:
        log.warning("ALERT (%s)\n%s", recipient, rendered.text)


TRANSPORTS: dict[str, type[Transport]] = {
    "slack": SlackTransport,
    "slack_webhook": SlackWebhookTransport,
    "email": EmailTransport,
    "webhook": WebhookTransport,
    LOG_CHANNEL: LogTransport,
}
