"""The production stack: `deploy/serve` (a buffering nginx in front of gunicorn), its configuration, and what
gunicorn needs of the portal (its logger)."""
