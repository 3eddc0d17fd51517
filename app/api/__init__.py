"""The JSON API (``/api/v1``): tokens, OAuth clients, webhooks, and the OpenAPI 3.1 document."""
