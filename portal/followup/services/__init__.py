"""Every write of the follow-up, one transaction each, the acting person passed as `by`, e-mails on commit.

Along the seams of the domain: `internships` (start, record, agree, cancel), `agreement` (signatures and
amendments), `steps` (the label's steps and the label), `logbook` (entries, comments, intermediate reviews),
`evaluations` (the two evaluations and the final grade), `reminders` (the periodic jobs), `links` (the company
tutor's link).
"""

from portal.followup.services import agreement, evaluations, internships, links, logbook, reminders, steps

__all__ = ["agreement", "evaluations", "internships", "links", "logbook", "reminders", "steps"]
