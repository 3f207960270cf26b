"""The webhook channel: due deliveries claimed from ``webhook_delivery``, posted, recorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from survey.extensions import db
from survey.outbox.channels import Outcome, QueueChannel, Result, RowQueue, register_channel
from survey.outbox.queue import OutboxSettings, claim_rows
from survey.webhooks.delivery import Attempt, DeliveryOutcome, WebhookSettings, attempt_delivery
from survey.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


class WebhookQueue(RowQueue[Attempt]):
    """Pending deliveries whose send_after has passed."""

    model = WebhookDelivery

    def __init__(self, settings: OutboxSettings, webhook_settings: WebhookSettings) -> None:
        self.settings = settings
        self.webhook_settings = webhook_settings

    def claim(self, worker: str, now: datetime) -> list[int]:
        """Lease a batch of due deliveries to this worker."""
        return claim_rows(
            WebhookDelivery,
            [WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.send_after <= now],
            [WebhookDelivery.send_after, WebhookDelivery.id],
            worker,
            self.settings,
            now,
        )

    def load(self, row_ids: Sequence[int], now: datetime) -> list[Attempt]:
        """Read the claimed deliveries with their endpoints."""
        rows = db.session.execute(
            select(
                WebhookDelivery.id,
                WebhookDelivery.event,
                WebhookDelivery.payload,
                WebhookDelivery.created_at,
                WebhookDelivery.attempts,
                WebhookEndpoint.url,
                WebhookEndpoint.secret,
                WebhookEndpoint.active,
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id.in_(row_ids))
            .order_by(WebhookDelivery.id)
        ).all()
        db.session.commit()
        return [Attempt(*row) for row in rows]

    def row_id(self, item: Attempt) -> int:
        """Return the delivery id."""
        return item.delivery_id

    def send(self, connection: Any, item: Attempt, now: datetime) -> Result:
        """POST one delivery and return what to record."""
        kind, status, error = attempt_delivery(
            item,
            timeout=self.webhook_settings.timeout_seconds,
            allow_private=self.webhook_settings.allow_private,
        )
        attempts = item.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "response_status": status,
            "last_error": error,
        }
        if kind == DeliveryOutcome.DELIVERED:
            values.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
            return Result(Outcome.SENT, values)
        if kind == DeliveryOutcome.RETRY and attempts < self.settings.max_attempts:
            values["send_after"] = now + self.settings.backoff(attempts)
            return Result(Outcome.RETRY, values)
        if kind == DeliveryOutcome.RETRY:
            values["last_error"] = f"gave up after {attempts} attempts: {error}"
        values["status"] = DeliveryStatus.FAILED
        return Result(Outcome.FAILED, values)

    def retry_later(self, item: Attempt, error: str, now: datetime) -> Result:
        """Hand a delivery back untried (each delivery opens its own connection)."""
        return Result(Outcome.RETRY, {"send_after": now})


def webhook_channel(app: Flask, settings: OutboxSettings) -> QueueChannel:
    """Build the webhook channel from the app's config (one per worker)."""
    queue = WebhookQueue(settings, WebhookSettings.from_config(app.config))
    return QueueChannel("webhooks", [queue], settings)


def register(app: Flask) -> None:
    """Let the app's worker deliver webhooks."""
    register_channel(app, "webhooks", webhook_channel)
