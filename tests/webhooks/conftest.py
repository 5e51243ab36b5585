"""The webhook tests' receiver: a real HTTP server on loopback (``receiver.py``)."""

from tests.webhooks.receiver import receiver  # noqa: F401 — the fixture
