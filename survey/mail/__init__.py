"""Sending survey email: rendering, transports, the durable outbox and its worker."""
