"""Notices by email: rendering from Jinja templates (render.py), sending by SMTP or to an
outbox folder (mailer.py). The choice of who gets what is in sheetsync/notices.py."""
