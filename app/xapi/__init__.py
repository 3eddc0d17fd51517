"""xAPI: statements about learners' moments, sent to a provider's Learning Record Store.

Listeners (``listeners.py``) turn the events of ``app/events.py`` into xAPI 1.0.3
statements (``statements.py``, pure) and queue them on the shared outbox (channel
``xapi``); the outbox's worker sends them to the LRS (``services.send``). Off unless
``XAPI_LRS_ENDPOINT`` is set. ``flask xapi backfill`` sends past moments. The provider's
side of it is in docs/integrations.md.
"""
