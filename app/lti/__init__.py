"""LTI 1.3: Groundwork as a tool that a provider's LMS (Moodle, Canvas...) launches.

``keys`` holds the tool's RSA keys (instance folder, like the certificate key); ``claims``
checks a launch's id_token claims (pure); ``services`` owns the writes (registration,
launch, linking, deep linking, grades queued in the outbox); ``routes`` are thin views;
``listeners`` turn graded attempts and completed courses into AGS scores (docs/integrations.md).
"""
