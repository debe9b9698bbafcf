"""The follow-up's web pages, along the menu « Suivre mes stagiaires »: the lists (`lists`), one internship
(`internship`), its parts (`parts`: agreement, logbook, reviews, evaluations) and the company tutor's link
(`tutor_link`). They parse the request, call one selector or service and render; the API calls the same."""
