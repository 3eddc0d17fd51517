"""Outbound deliveries: messages to other systems (LMS grades, xAPI statements, webhooks).

A domain that must tell another system something enqueues a delivery inside its own
transaction (``services.enqueue``), so the message exists exactly when the moment does.
A worker (``flask outbound work``) hands each to the sender registered for its channel,
retries with back-off while the other system is down, and keeps what it gave up on for
an administrator to send again (``/admin/deliveries``). Nothing is sent from a request.
"""
