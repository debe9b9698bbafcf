"""Who reads a message of the contact page: the team of the hub it is about, else the portal team."""

from __future__ import annotations

from dataclasses import dataclass

from cms_pages.models import ContactPage, OrganisationPage


@dataclass(frozen=True)
class Recipient:
    """A team and its address; `hub` is the title of the hub the message is about, if any."""

    team: str
    email: str
    hub: str = ""


def contact_page() -> ContactPage | None:
    """The portal's contact page, if it is online."""
    return ContactPage.objects.live().public().first()


def live_hub(hub_id: int) -> OrganisationPage | None:
    return OrganisationPage.objects.hubs().live().filter(pk=hub_id).first()


def recipient(page: ContactPage, hub: OrganisationPage | None = None) -> Recipient:
    """The team of `hub` on the contact page; the portal team when the hub has none listed or no hub is given."""
    if hub is None:
        return Recipient(team=page.team_name, email=page.email)
    team = page.teams.filter(hub=hub).first()
    if team is None:
        return Recipient(team=page.team_name, email=page.email, hub=hub.title)
    return Recipient(team=team.name, email=team.email, hub=hub.title)
