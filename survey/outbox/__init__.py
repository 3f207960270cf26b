"""The durable outbox: rows as queues, channels registered by features, and `survey worker`.

Features own their tables and what sending means (an email, a webhook POST); this package
owns what they share: claiming due rows under a lease, recording each outcome, backing off,
and running every channel in its own lane so that a slow one never holds up another.
"""
