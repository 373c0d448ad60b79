"""The service's log lines: every timestamp in the service's zone with its offset (a log read next to alerts and the
console, which speak local time, and next to UTC machine logs, must say which), as text or one JSON object a line
(`--log-json`) for a log collector."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo


class ZonedFormatter(logging.Formatter):
    """`2026-12-07T08:00:01.234+08:00 INFO yuqing.jobs: job respond ok: …`."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds")


class JsonFormatter(ZonedFormatter):
    """`{"time": "…+08:00", "level": "INFO", "logger": "yuqing.jobs", "message": "…"}`, with `exception` when the
    record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(zone: ZoneInfo, as_json: bool = False) -> None:
    """The root logger writes to stderr in the service's zone, as text or JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(zone) if as_json else ZonedFormatter(zone))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # /healthz reads the revision on every call
