"""Priority from category and severity (DOMAIN.md §3); the critical levels come from config."""

from __future__ import annotations

from collections.abc import Iterable


def priority_of(category: str, severity: str | None, critical_severities: Iterable[str] = ("I", "II")) -> str:
    if category == "emergency" and severity in set(critical_severities):
        return "critical"
    return "low" if category == "other" else "high"
