"""Pages of a list sorted by a related object's key, when those objects are few: a
VM list by node or by cluster.

Ordered by a column of another table, a page is a sort of every matching row
joined to it: MariaDB sorts all 10,000 VMs, in a temporary table, for each page
(40-60 ms; bench/vm_list.py). But the sort key takes few values (one per node or
cluster), and within one value the rows are in the list's own order (name_key,
name, id), which an index on (the foreign key, ..., name_key, name) serves. So:
one query counts the matching rows of each related object (the list's count is
their sum); the page's ids come from the one or two objects its rows fall in, each
an index walk stopped at the page's end; then fetch(ids) reads those rows, as
core.listing.TwoStepPaginator does.

The order is the one the database gives: the related objects in the order it sorts
their key (equal keys are one group), rows without one (NULL) first or last as it
puts NULLs, everything reversed for a descending sort.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, QuerySet


class GroupedPaginator(Paginator):
    def __init__(
        self,
        queryset: QuerySet,
        per_page: int,
        fetch: Callable[[list], list],
        field: str,  # the foreign key's attname on queryset's model: "primary_node_id"
        groups: list[list[int]],  # the related objects' pks, by their key, in order
        order: tuple[str, ...],  # the list's order within one key ("name_key", "name", "pk")
        descending: bool,
    ):
        super().__init__(queryset, per_page)
        self.queryset = queryset.order_by()
        self.fetch, self.field, self.groups = fetch, field, groups
        self.order = tuple(f"-{name}" if descending else name for name in order)
        self.descending = descending

    @cached_property
    def counts(self) -> dict:
        """Matching rows per related pk (None: without one)."""
        rows = self.queryset.values(self.field).annotate(n=Count("pk")).order_by()
        return {row[self.field]: row["n"] for row in rows}

    @cached_property
    def count(self) -> int:
        return sum(self.counts.values())

    def _ordered_groups(self) -> list[tuple[list[int] | None, int]]:
        """(pks, matching rows) per group in the page order; None: rows without one."""
        groups = [(pks, sum(self.counts.get(pk, 0) for pk in pks)) for pks in self.groups]
        nulls = (None, self.counts.get(None, 0))
        # Where the database puts NULLs in an ascending sort.
        if connections[self.queryset.db].features.nulls_order_largest:
            groups.append(nulls)
        else:
            groups.insert(0, nulls)
        if self.descending:
            groups.reverse()
        return [(pks, n) for pks, n in groups if n]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids, start = [], 0
        for pks, n in self._ordered_groups():
            if start + n > bottom and start < top:
                rows = self.queryset.filter(
                    **({f"{self.field}__in": pks} if pks is not None else {self.field: None})
                )
                first = max(bottom - start, 0)
                last = min(top - start, n)
                ids += rows.order_by(*self.order).values_list("pk", flat=True)[first:last]
            start += n
            if start >= top:
                break
        rows = {row.pk: row for row in self.fetch(ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
