"""What tells the kept public searches (`cms_pages.search_cache`) that the offers changed.

Any page saved, moved or deleted (an offer published, changed or unpublished; a company's page above its offers),
any view restriction added, changed or removed, and any keyword renamed or deleted (the results show their names)
forgets them: what the public finds, or how it is shown, may have changed.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms_pages.search_cache import offers_changed


@receiver(post_save)
@receiver(post_delete)
def page_changed(sender, instance, **kwargs):
    if isinstance(instance, (Page, PageViewRestriction, Tag)):
        offers_changed()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def page_moved_or_published(sender, **kwargs):
    offers_changed()
