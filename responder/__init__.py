"""Responder: events, cases, the responsible body and the response clocks (DOMAIN.md §3, §5, §6)."""
