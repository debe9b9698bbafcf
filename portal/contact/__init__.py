"""Reaching the portal team: the contact page's recipients (selectors), the messages sent (services) and their rate
per client address (throttles). The page itself is a Wagtail page type, `cms_pages.models.ContactPage`."""
