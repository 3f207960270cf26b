"""Outbound webhooks: signed events to other systems, through the durable outbox."""
