"""The indexes the offer search's count reads on PostgreSQL (migrations `cms_pages/0011` and `0013`).

The count of a new search reads every live offer it matches. Two covering indexes hold every column it reads of the
offers and of their pages, so that at tens of thousands of offers PostgreSQL reads the indexes alone. A count that
read one more column would read the tables again: each column the statement names must be in its table's index.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from wagtail.models import Page

from cms_pages import search
from cms_pages.models import OfferPage
from tests.factories import OfferFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]

CRITERIA = {
    "all": {},
    "dates": {"start_after": datetime.date(2020, 1, 1), "start_before": datetime.date(2090, 1, 1)},
    "facets": {"sector": "62", "country": "BE", "level": "master", "internship_type": "insertion"},
    "company": {"organisation": 1},
}


def indexed_columns(index: str) -> set[str]:
    """The key and included columns of `index`, and the columns of its predicate."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE c.relname = %s",
            [index],
        )
        columns = {name for (name,) in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_get_expr(indpred, indrelid) FROM pg_index JOIN pg_class ON oid = indexrelid WHERE relname = %s",
            [index],
        )
        (predicate,) = cursor.fetchone()
    return columns | set(re.findall(r"\w+", predicate or ""))


def first_key_column(index: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE c.relname = %s",
            [index],
        )
        (column,) = cursor.fetchone()
    return column


def named_columns(sql: str, table: str) -> set[str]:
    return set(re.findall(rf'"{table}"\."(\w+)"', sql))


@pytest.mark.parametrize("criteria", list(CRITERIA.values()), ids=list(CRITERIA))
def test_a_new_searchs_count_reads_only_what_the_covering_indexes_hold(criteria):
    OfferFactory.create_batch(2, live=True)
    offers, _ordering = search.matching_offers(AnonymousUser(), criteria)

    sql, _params = search._facets_sql(offers)

    assert named_columns(sql, OfferPage._meta.db_table) <= indexed_columns("cms_pages_offer_facets_idx")
    assert named_columns(sql, Page._meta.db_table) <= indexed_columns("cms_pages_live_pages_idx")
    assert {"sector_id", "page_ptr_id"} <= named_columns(sql, OfferPage._meta.db_table)


@pytest.mark.parametrize("criteria", list(CRITERIA.values()), ids=list(CRITERIA))
def test_a_new_searchs_count_can_read_the_offers_in_the_order_of_their_pages(criteria):
    """Without a sector chosen, the count joins the offers with their live pages, both read in the order of the
    pages' ids: an index of the offers keyed by that id holds all the count reads of them as well, so that PostgreSQL
    merges the two indexes in step instead of hashing every live page first."""
    OfferFactory.create_batch(2, live=True)
    offers, _ordering = search.matching_offers(AnonymousUser(), criteria)

    sql, _params = search._facets_sql(offers)

    assert first_key_column("cms_pages_offer_by_page_idx") == "page_ptr_id"
    assert named_columns(sql, OfferPage._meta.db_table) <= indexed_columns("cms_pages_offer_by_page_idx")
