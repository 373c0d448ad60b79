"""Notifications: deliver the outbox (alerts about cases, source health, tests; later the briefing) to Slack, email,
webhooks or the log, each exactly once. Other stages only write outbox rows (`yuqing.outbox`); this stage sends them."""
