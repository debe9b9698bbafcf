"""The indexes the offer search's count reads on PostgreSQL (migration `cms_pages/0011`).

The count of a new search reads every live offer it matches; the two covering indexes hold every column it reads of
the offers and of their pages. The planner is asked to avoid reading the tables (as it does on its own at tens of
thousands of offers): if the count read a column the indexes lack, the plan would read a table again.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from cms_pages import search
from tests.factories import OfferFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql_only]


@pytest.mark.parametrize("criteria", [{}, {"start_before": datetime.date(2090, 1, 1)}], ids=["all", "dates"])
def test_a_new_searchs_count_reads_the_covering_indexes_alone(criteria):
    OfferFactory.create_batch(3, live=True)
    offers, _ordering = search.matching_offers(AnonymousUser(), criteria)
    sql, params = search._facets_sql(offers)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using cms_pages_offer_facets_idx" in plan, plan
    assert "Index Only Scan using cms_pages_live_pages_idx" in plan, plan
