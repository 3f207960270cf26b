"""Domain signals: a feature announces what happened; other features subscribe.

Each signal is sent by the service that did the work, inside its transaction and before
its commit. A receiver adds rows to ``db.session`` (a webhook delivery, an enrichment job)
and never commits, so what it writes is committed with the work it reports, or not at all;
a receiver that raises makes the service fail as a whole. Receivers are connected in the
app factory (``survey.create_app``), never at import time.

Who sends and who listens:

- ``response_completed(response_id=int, completed_at=datetime)``: sent by
  ``survey.responding.services.submit_answers``; heard by webhooks (``response.completed``)
  and insights (enrichment, rollups).
- ``score_saved(response_id=int, saved_at=datetime)``: sent by
  ``survey.responding.services.save_preselected_score`` (a score saved from the email, not
  yet the whole survey); heard by insights (rollups).
- ``contact_unsubscribed(contact_id=int, unsubscribed_at=datetime)``: sent by
  ``survey.mail.services.unsubscribe_contact``; heard by webhooks (``contact.unsubscribed``).
- ``case_opened(case_id=int, data=dict)``: for the alerts feature to send; heard by webhooks
  (``case.opened``, with ``data`` as its payload).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A customer sent the whole survey.
response_completed = _signals.signal("response-completed")
#: A score was saved from the email: a partial response, or a scanner's click confirmed.
score_saved = _signals.signal("score-saved")
#: A contact asked to receive no more surveys (this call did it; repeats are not sent).
contact_unsubscribed = _signals.signal("contact-unsubscribed")
#: A case was opened for follow-up (sent by the alerts feature).
case_opened = _signals.signal("case-opened")
