"""Pages written in bulk for the demo data: the tree, the specific rows, revisions, logs, references and search.

Wagtail writes a page through `add_child`, `save_revision` and `publish`: a dozen statements and the tree's
bookkeeping per page, about a tenth of a second each. The demo at scale holds tens of thousands of offers and
companies, so they are written here as Wagtail would leave them, a thousand rows per statement:

- the tree: materialised paths numbered after each parent's last child (treebeard's `_get_path`), the parents'
  `numchild` updated once, the URL paths derived from the parents';
- the `wagtailcore_page` rows, then the specific rows (multi-table inheritance: `bulk_create` refuses it, so the
  child table is inserted apart with the page's id), then the cluster's children (keywords, targeting);
- one revision per page holding its content (the latest, and the live one for a live page), and the log entries of
  its creation and publication;
- the reference index (Wagtail's own extraction, per page, in memory) and the search index (`add_bulk`), read back
  in chunks.

Nothing here sends a signal, so nothing is enqueued; `Page.find_problems()` finds nothing once a batch is written
(the demo's tests check it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import router
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import get_all_child_relations
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, TaskState, WorkflowState
from wagtail.search.backends import get_search_backend

from cms_pages.search_cache import offers_changed

BATCH = 1000


def tags(names: Iterable[str]) -> dict[str, Tag]:
    """The tags of `names`, the missing ones created in bulk in the order of their first mention, with the slugs
    taggit would give them."""
    names = list(dict.fromkeys(names))
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    slugs = set(Tag.objects.values_list("slug", flat=True))
    missing = []
    for name in names:
        if name in found:
            continue
        base = Tag().slugify(name) or "keyword"
        slug, number = base, 1
        while slug in slugs:
            number += 1
            slug = f"{base}_{number}"
        slugs.add(slug)
        missing.append(Tag(name=name, slug=slug))
    Tag.objects.bulk_create(missing, batch_size=BATCH)
    return {tag.name: tag for tag in Tag.objects.filter(name__in=names)}


def _chunks(items: Sequence, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PageWriter:
    """Writes unsaved pages of one specific model under existing parents, in the order given.

    `keys` gives each page's translation key: the demo draws them from its seed, so that two runs agree.
    """

    def __init__(self, model: type[Page], *, keys: Callable[[], uuid.UUID] = uuid.uuid4):
        self.model = model
        self.keys = keys
        self.content_type = ContentType.objects.get_for_model(model)
        self.page_content_type = ContentType.objects.get_for_model(Page)
        self.db = router.db_for_write(model)
        self.child_relations = get_all_child_relations(model)
        self.many_to_many = [field for field in model._meta.get_fields() if isinstance(field, ParentalManyToManyField)]
        self.cluster_names = [relation.get_accessor_name() for relation in self.child_relations] + [
            field.name for field in self.many_to_many
        ]

    def write(
        self,
        children: Sequence[tuple[Page, Page]],
        *,
        user_of: Callable[[Page], Model | None],
        tick: Callable[[int], None] = lambda n=1: None,
    ) -> list[Page]:
        """Insert each `(parent, page)`, with the child objects and many-to-many choices set on it in memory.

        A page's `live` and `first_published_at` say whether it is published and since when; `user_of(page)` is the
        author of its revision and log entries.
        """
        pages = [page for _parent, page in children]
        self._place(children)
        now = timezone.now()
        for batch in _chunks(pages):
            self._insert(batch, now)
            self._revise(batch, user_of, now)
            tick(len(batch))
        # No page signal was sent: the kept public searches are told here.
        offers_changed()
        return pages

    # -- the tree ------------------------------------------------------------------------------------------------------

    def _place(self, children: Sequence[tuple[Page, Page]]) -> None:
        parents = {parent.pk: parent for parent, _page in children}
        stored = {
            row["pk"]: row
            for row in Page.objects.filter(pk__in=parents).values("pk", "path", "depth", "numchild", "url_path")
        }
        numchild = {pk: row["numchild"] for pk, row in stored.items()}
        for parent, page in children:
            row = stored[parent.pk]
            numchild[parent.pk] += 1
            page.depth = row["depth"] + 1
            page.path = Page._get_path(row["path"], page.depth, numchild[parent.pk])
            page.numchild = 0
            page.url_path = f"{row['url_path']}{page.slug}/"
        for pk, count in numchild.items():
            parents[pk].numchild = count
        Page.objects.bulk_update(
            [Page(pk=pk, numchild=count) for pk, count in numchild.items()], ["numchild"], batch_size=BATCH
        )

    def _insert(self, pages: Sequence[Page], now: datetime) -> None:
        base_fields = [field for field in Page._meta.concrete_fields if not field.primary_key]
        for page in pages:
            # A relation left unset reads the database once the page has an id: it has no rows there, say so.
            held = page.__dict__.setdefault("_cluster_related_objects", {})
            for name in self.cluster_names:
                held.setdefault(name, [])
            page.content_type = self.content_type
            page.draft_title = page.title
            page.translation_key = self.keys()
            page.has_unpublished_changes = not page.live
            page.last_published_at = page.first_published_at
            page.latest_revision_created_at = page.first_published_at or now
        rows = Page.objects.bulk_create(
            [Page(**{field.attname: getattr(page, field.attname) for field in base_fields}) for page in pages]
        )
        for page, row in zip(pages, rows, strict=True):
            page.id = page.page_ptr_id = row.pk
            page._state.adding = False
            page._state.db = self.db
        # `bulk_create` refuses a model of several tables: the specific table is inserted apart, with the page's id.
        self.model._base_manager._insert(pages, fields=self.model._meta.local_concrete_fields, using=self.db)
        self._insert_cluster(pages)

    def _insert_cluster(self, pages: Sequence[Page]) -> None:
        """The pages' child objects (keywords, programmes) and many-to-many choices, held in memory until now."""
        for relation in self.child_relations:
            accessor, key = relation.get_accessor_name(), relation.field.attname
            children = []
            for page in pages:
                for child in getattr(page, accessor).all():
                    setattr(child, key, page.pk)
                    children.append(child)
            relation.related_model.objects.bulk_create(children, batch_size=BATCH)
        for field in self.many_to_many:
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                (
                    through(**{f"{source}_id": page.pk, f"{target}_id": chosen.pk})
                    for page in pages
                    for chosen in getattr(page, field.name).all()
                ),
                batch_size=BATCH,
            )

    # -- revisions, logs ----------------------------------------------------------------------------------------------

    def _revise(self, pages: Sequence[Page], user_of, now: datetime) -> None:
        revisions = Revision.objects.bulk_create(
            Revision(
                content_type=self.content_type,
                base_content_type=self.page_content_type,
                object_id=str(page.pk),
                created_at=page.latest_revision_created_at,
                user=user_of(page),
                object_str=str(page),
                content=page.serializable_data(),
            )
            for page in pages
        )
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision = revision
            page.live_revision = revision if page.live else None
        Page.objects.bulk_update(
            [
                Page(pk=page.pk, latest_revision_id=page.latest_revision_id, live_revision_id=page.live_revision_id)
                for page in pages
            ],
            ["latest_revision", "live_revision"],
        )
        entries = []
        for page in pages:
            common = {"content_type": self.content_type, "page_id": page.pk, "label": page.get_admin_display_title()}
            user = user_of(page)
            entries.append(
                PageLogEntry(action="wagtail.create", user=user, timestamp=now, data={}, content_changed=True, **common)
            )
            if page.live:
                entries.append(
                    PageLogEntry(
                        action="wagtail.publish",
                        user=user,
                        timestamp=now,
                        data={},
                        content_changed=True,
                        revision=page.live_revision,
                        **common,
                    )
                )
        PageLogEntry.objects.bulk_create(entries)

    # -- indexes -------------------------------------------------------------------------------------------------------

    def index(self, pages: Sequence[Page], *, related: Sequence[str] = (), prefetch: Sequence[str | Prefetch] = ()):
        """The reference index and the search index of `pages`, read back in chunks with what they index."""
        backend = get_search_backend()
        content_types = [self.content_type, self.page_content_type]
        for batch in _chunks([page.pk for page in pages]):
            stored = list(
                self.model.objects.filter(pk__in=batch)
                .select_related(*related)
                .prefetch_related(*prefetch, *(relation.get_accessor_name() for relation in self.child_relations))
                .order_by("pk")
            )
            references = []
            for page in stored:
                for to_content_type_id, to_object_id, model_path, content_path in set(
                    ReferenceIndex._extract_references_from_object(page)
                ):
                    references.append(
                        ReferenceIndex(
                            content_type=content_types[0],
                            base_content_type=content_types[1],
                            object_id=str(page.pk),
                            to_content_type_id=to_content_type_id,
                            to_object_id=to_object_id,
                            model_path=model_path,
                            content_path=content_path,
                            content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
                        )
                    )
            ReferenceIndex.objects.bulk_create(references, batch_size=BATCH)
            backend.add_bulk(self.model, stored)


def start_moderation(offers: Sequence[Page], *, workflow, by_company_admin: Callable[[Page], bool]) -> None:
    """Written drafts sent to moderation as `submit_offer` leaves them, but for their status (the caller's).

    The workflow's first task is the company's; an offer written by a company administrator has it approved at once
    (`CompanyAdminApprovalTask.start`) and awaits the hub's. Each offer gets its workflow state, its task states and
    the log entries of the submission, the start and that approval.
    """
    if not offers:
        return
    company_task, hub_task = [task.specific for task in workflow.tasks]
    offer_type = ContentType.objects.get_for_model(type(offers[0]))
    page_type = ContentType.objects.get_for_model(Page)
    task_state_type = ContentType.objects.get_for_model(TaskState)
    now = timezone.now()
    approved_comment = str(_("Written by a company administrator."))
    for batch in _chunks(offers):
        states = WorkflowState.objects.bulk_create(
            WorkflowState(
                content_type=offer_type,
                base_content_type=page_type,
                object_id=str(offer.pk),
                workflow=workflow,
                status=WorkflowState.STATUS_IN_PROGRESS,
                requested_by=offer.owner,
                created_at=now,
            )
            for offer in batch
        )
        first = TaskState.objects.bulk_create(
            TaskState(
                workflow_state=state,
                revision_id=offer.latest_revision_id,
                task=company_task,
                content_type=task_state_type,
                started_at=now,
                **(
                    {
                        "status": TaskState.STATUS_APPROVED,
                        "finished_at": now,
                        "finished_by": offer.owner,
                        "comment": approved_comment,
                    }
                    if by_company_admin(offer)
                    else {"status": TaskState.STATUS_IN_PROGRESS}
                ),
            )
            for offer, state in zip(batch, states, strict=True)
        )
        at_hub = [index for index, offer in enumerate(batch) if by_company_admin(offer)]
        second = dict(
            zip(
                at_hub,
                TaskState.objects.bulk_create(
                    TaskState(
                        workflow_state=states[index],
                        revision_id=batch[index].latest_revision_id,
                        task=hub_task,
                        content_type=task_state_type,
                        status=TaskState.STATUS_IN_PROGRESS,
                        started_at=now,
                    )
                    for index in at_hub
                ),
                strict=True,
            )
        )
        entries = []
        for index, (offer, state) in enumerate(zip(batch, states, strict=True)):
            state.current_task_state = current = second.get(index, first[index])
            common = {
                "content_type": offer_type,
                "page_id": offer.pk,
                "label": offer.get_admin_display_title(),
                "user": offer.owner,
                "timestamp": now,
                "content_changed": False,
            }
            entries.append(PageLogEntry(action="portal.offer.submit", data={"comment": ""}, **common))
            workflow_data = {"id": workflow.pk, "title": workflow.name, "status": WorkflowState.STATUS_IN_PROGRESS}
            entries.append(
                PageLogEntry(
                    action="wagtail.workflow.start",
                    data={
                        "workflow": {
                            **workflow_data,
                            # Logged once the first step is settled: the company's, or the hub's when skipped.
                            "next": {
                                "id": current.task_id,
                                "title": (hub_task if index in second else company_task).name,
                            },
                            "task_state_id": current.pk,
                        }
                    },
                    revision_id=offer.latest_revision_id,
                    **common,
                )
            )
            if index in second:
                entries.append(
                    PageLogEntry(
                        action="wagtail.workflow.approve",
                        data={
                            "comment": approved_comment,
                            "workflow": {
                                **workflow_data,
                                "status": TaskState.STATUS_APPROVED,
                                "next": {"id": hub_task.pk, "title": hub_task.name},
                                "task": {"id": company_task.pk, "title": company_task.name},
                                "task_state_id": first[index].pk,
                            },
                        },
                        revision_id=offer.latest_revision_id,
                        **common,
                    )
                )
        WorkflowState.objects.bulk_update(states, ["current_task_state"])
        PageLogEntry.objects.bulk_create(entries)
