"""The primitives every access rule is written with: `can`, `require`, `visible`, grants and held permissions.

Only this package talks to django-guardian. A permission is named by its full name
(`"cms_pages.manage_company"`); the stored rows are guardian's direct foreign-key tables
(`portal.accounts.models.*UserPermission`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from portal.accounts.models import OfferUserPermission, OrganisationUserPermission, ProgrammeUserPermission
from portal.exceptions import NotVisible

# "No row" and "every row" as conditions. An empty `Q()` is not "every row": OR-ed with another condition it
# vanishes (`Q(a=1) | Q()` is `Q(a=1)`), so a superuser's "everything" must be written as a true condition.
NOTHING = Q(pk__in=[])
EVERYTHING = ~NOTHING


def codename(perm: str) -> str:
    return perm.split(".", 1)[1]


def is_active(user) -> bool:
    """A signed-in, active account: the only kind that holds any permission."""
    return user is not None and user.is_authenticated and user.is_active


def is_superuser(user) -> bool:
    return is_active(user) and user.is_superuser


def can(user, perm: str, obj: Model) -> bool:
    """May `user` use `perm` on `obj`? Inactive and anonymous users may not; superusers may."""
    if not is_active(user):
        return False
    return user.has_perm(perm, obj)


def require(user, perm: str, obj: Model, *, visible_to_user: bool = True) -> None:
    """Raise unless `user` may use `perm` on `obj`.

    `visible_to_user` says whether the caller may know that `obj` exists: if not, the refusal is
    `NotVisible` (answered 404), so a private object's existence is never revealed.
    """
    if can(user, perm, obj):
        return
    if not visible_to_user:
        raise NotVisible
    raise PermissionDenied


def visible(user, perm: str, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` on which `user` holds `perm`, filtered in the database."""
    if not is_active(user):
        return queryset.none()
    return get_objects_for_user(user, perm, queryset, accept_global_perms=False, with_superuser=True)


def held(user, perm: str, permission_model) -> QuerySet:
    """Ids of the objects on which `user` holds `perm`, as a subquery (no query is run here)."""
    return permission_model.objects.filter(user=user, permission__codename=codename(perm)).values("content_object_id")


def held_anywhere(user) -> frozenset[str]:
    """The codenames of every object permission `user` holds, on any organisation, programme or offer: one query."""
    tables = [
        model.objects.filter(user=user).values_list("permission__codename", flat=True)
        for model in (OrganisationUserPermission, ProgrammeUserPermission, OfferUserPermission)
    ]
    return frozenset(tables[0].union(*tables[1:]))


def assign(user, perms: Iterable[str], obj: Model) -> None:
    for perm in perms:
        assign_perm(codename(perm), user, obj)


def assign_many(grants: Iterable[tuple], permission_model) -> None:
    """Grant in bulk each `(user, perms, obj)` of `grants`, the objects all of one model, stored in `permission_model`
    (guardian's direct table of that model). A grant already stored is left as it is."""
    rows, permissions = [], None
    for user, perms, obj in grants:
        if permissions is None:
            content_type = ContentType.objects.get_for_model(obj)
            permissions = dict(Permission.objects.filter(content_type=content_type).values_list("codename", "pk"))
        rows += [
            permission_model(user=user, permission_id=permissions[codename(perm)], content_object=obj) for perm in perms
        ]
    permission_model.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def remove(user, perms: Iterable[str], obj: Model) -> None:
    for perm in perms:
        remove_perm(codename(perm), user, obj)
