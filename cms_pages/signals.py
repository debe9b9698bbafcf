"""What tells the kept public searches (`cms_pages.search_cache`) that the offers changed.

Any page saved, moved or deleted (an offer published, changed or unpublished; a company's page above its offers),
any view restriction added, changed or removed, any keyword renamed or deleted (the results show their names) and any
site saved or deleted (the results' addresses are built from its hostname and port) forgets them: what the public
finds, or how it is shown, may have changed.

What leaves the public's results as they were keeps them: a page created offline (a new draft), an offer saved
while offline (a draft changed: an offer leaves the results by its unpublication, a signal of its own), a page saved
with its revisions' bookkeeping alone (a draft of a page online saved or sent to moderation, a lock taken or
released: the page's row shows the public what it showed before) and a new keyword (no offer online holds it yet).
Where a portal's offers change every few minutes, the drafts, several for each publication, would otherwise leave the
kept searches little time.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms_pages.models import OfferPage
from cms_pages.search_cache import offers_changed

# The columns of a page that only its revisions, its comments and its lock write (Wagtail's `save_revision`,
# `_update_from_revision` and the workflow's lock): none of them is shown to the public.
REVISION_BOOKKEEPING = frozenset(
    {
        "comments",
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "locked",
        "locked_by",
        "locked_at",
    }
)

# What the public's results are read from or show.
SHOWN = (Page, PageViewRestriction, Tag, Site)


def _shows_the_public_nothing_new(instance, created: bool, update_fields) -> bool:
    if isinstance(instance, Page):
        if not instance.live and (created or isinstance(instance, OfferPage)):
            return True
        return update_fields is not None and set(update_fields) <= REVISION_BOOKKEEPING
    if isinstance(instance, Tag):
        return created
    return False


@receiver(post_save)
def saved(sender, instance, created=False, update_fields=None, **kwargs):
    if isinstance(instance, SHOWN) and not _shows_the_public_nothing_new(instance, created, update_fields):
        offers_changed()


@receiver(post_delete)
def deleted(sender, instance, **kwargs):
    if isinstance(instance, SHOWN):
        offers_changed()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_moved_or_published(sender, **kwargs):
    offers_changed()
