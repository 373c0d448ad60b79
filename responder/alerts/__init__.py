"""Alerts: deliver the notification outbox to Slack, email, webhooks or the log, each alert exactly once."""
