"""What goes out to the members: notices by email (who gets what in plan.py, rendered from Jinja
templates by render.py, sent by SMTP or to an outbox folder by mailer.py, logged once in the Sent
tab by sent_log.py), scan-to-pay codes (epc.py) and the group's agreement (agreement.py)."""

# The kinds of notice `sheetsync notify --kind` sends, each with its planner in plan.PLANNERS
# (which also plans the personal links, sent by `sheetsync links --send`). Named here, so that the
# command line offers them without loading the planners.
KINDS = ("settlement", "logbook", "advance", "vehicle", "digest")
