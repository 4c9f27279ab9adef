"""Cảnh báo — run-failure alerts: a webhook, an e-mail, and always a local alert log."""
