"""Touchpoints in, invitations (survey links and emails) out."""
