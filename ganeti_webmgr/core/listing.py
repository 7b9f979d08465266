"""What every list page shares, defined once: the quick search, the precise filters
and their chips, sorting, columns, page size, and the address that keeps them all.

A list declares a ListSpec; ListQuery reads a request's GET parameters against it.
The semantics of the filters are the same on every list:

- the quick search ``q``: contains, case-insensitive, in any of the list's search
  fields (an OR);
- ``choice`` filters (cluster, state, role: the values are known): exact, and a
  value outside the known set is an error;
- ``host`` filters (node): the short name or the full name, exactly
  ("node2" finds node2.example.com, not node20);
- ``principal`` filters (owner): ``user:NAME``, ``group:NAME``, or a bare NAME for
  either, exactly;
- ``word`` filters (tag): one whole word of a space-separated text, exactly;
- ``text`` filters (OS): contains, case-insensitive;
- ``day`` filters (since, until): a day as YYYY-MM-DD, whole days in the site's time
  zone, both ends included.

A value a filter cannot take (a choice outside its values, a day that is no day)
lists nothing, with its error, rather than everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from ganeti_webmgr.core.sorting import natural_key

PAGE_SIZES = (25, 50, 100, 250)
DEFAULT_PAGE_SIZE = 50
# What the address keeps besides the filters.
VIEW_PARAMETERS = ("q", "sort", "per_page", "cols")


def contains(*fields: str) -> Callable[[str], Q]:
    return lambda value: reduce(or_, (Q(**{f"{name}__icontains": value}) for name in fields))


def exact(*fields: str) -> Callable[[str], Q]:
    return lambda value: reduce(or_, (Q(**{name: value}) for name in fields))


def host(*fields: str) -> Callable[[str], Q]:
    """A host by its short name or its full name: "node2" is node2 or node2.<domain>."""

    def match(value: str) -> Q:
        value = value.strip().rstrip(".")
        return reduce(
            or_,
            (Q(**{name: value}) | Q(**{f"{name}__startswith": f"{value}."}) for name in fields),
        )

    return match


def principal_names(value: str) -> tuple[str | None, str | None]:
    """The user name and the group name an owner value asks for (None: not that kind)."""
    kind, _colon, name = value.partition(":")
    if kind == "user" and name:
        return name, None
    if kind == "group" and name:
        return None, name
    return value, value


def principal(user_field: str, group_field: str) -> Callable[[str], Q]:
    """user:NAME, group:NAME, or a bare NAME for a user or a group of that name."""

    def match(value: str) -> Q:
        user, group = principal_names(value)
        parts = [Q(**{user_field: user})] if user else []
        parts += [Q(**{group_field: group})] if group else []
        return reduce(or_, parts)

    return match


def word(text_field: str) -> Callable[[str], Q]:
    """One word of a " word1 word2 " column (such as tags_text), exactly."""
    return lambda value: Q(**{f"{text_field}__contains": f" {value.strip()} "})


# Days a day filter takes: years every database and time zone can compute the bounds
# of (9999-12-31 has no next day to end at).
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day_error(value: str) -> str:
    """Why value is no day a day filter takes ("" when it is one)."""
    day = _day(value)
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        return _("enter a day between %(first)s and %(last)s (YYYY-MM-DD).") % {
            "first": f"{FIRST_DAY:%Y-%m-%d}",
            "last": f"{LAST_DAY:%Y-%m-%d}",
        }
    return ""


def since(time_field: str) -> Callable[[str], Q]:
    """From the start of that day (in the site's time zone) on."""
    return lambda value: Q(**{f"{time_field}__gte": _start_of(_day(value))})


def until(time_field: str) -> Callable[[str], Q]:
    """Up to the end of that day, the day included."""
    return lambda value: Q(**{f"{time_field}__lt": _start_of(_day(value) + timedelta(days=1))})


def _day(value: str) -> date | None:
    if not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    # Compared as instants: no __date lookups, which MySQL can only do with its time
    # zone tables loaded.
    return timezone.make_aware(datetime.combine(day, time.min))


def ordered_days(since_key: str, until_key: str) -> Callable[[dict[str, str]], list[str]]:
    """A ListSpec check: the range of two day filters does not end before it starts."""

    def check(values: dict[str, str]) -> list[str]:
        first, last = _day(values.get(since_key, "")), _day(values.get(until_key, ""))
        if first and last and first > last:
            return [_("The end date is before the start date.")]
        return []

    return check


@dataclass(frozen=True)
class Filter:
    key: str  # the GET parameter
    label: str
    match: Callable[[str], Q]
    # The known values ((value, label) pairs) for an exact choice; None for typed ones.
    choices: tuple[tuple[str, str], ...] | None = None
    help: str = ""
    # A value that selects rows by something other than match (e.g. state=missing).
    special: dict[str, Callable[[QuerySet], QuerySet]] = field(default_factory=dict)
    # For a typed value: why the filter cannot take it ("" when it can), such as
    # day_error; a refused value lists nothing, with its error.
    check: Callable[[str], str] | None = None
    input_type: str = "text"  # the filter form's <input type> ("date" for a day)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str = ""  # the field to sort on; "" when the column does not sort
    default: bool = True
    # Sorted in natural order here, in Python, over the matching rows' (id, value)
    # pairs: for tables without a name_key column (Django's own users and groups),
    # which stay small. Otherwise the database sorts (name_key gives natural order).
    natural: bool = False


@dataclass(frozen=True)
class ListSpec:
    name: str  # remembered preferences are kept under this name
    # The fields the quick search looks in, or how it matches (a callable giving a Q).
    search: tuple[str, ...] | Callable[[str], Q]
    filters: tuple[Filter, ...]
    columns: tuple[Column, ...]  # the first is always shown
    default_sort: str
    ties: tuple[str, ...] = ("pk",)  # after the sort, in its direction: a stable order
    # Errors of the filters' values taken together (ordered_days); any lists nothing.
    check: Callable[[dict[str, str]], list[str]] | None = None

    def filter(self, key: str) -> Filter | None:
        return next((f for f in self.filters if f.key == key), None)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def sorts(self) -> dict[str, str]:
        return {c.key: c.sort for c in self.columns if c.sort}


@dataclass
class Chip:
    label: str
    value: str
    drop: str  # the address without this filter


class ListQuery:
    """One request's view of a list: what it searches, filters, sorts and shows."""

    def __init__(
        self,
        spec: ListSpec,
        data: QueryDict,
        saved_columns: Iterable[str] | None = None,
        saved_page_size: int | None = None,
        choices: dict[str, tuple[tuple[str, str], ...]] | None = None,
        fixed: Iterable[str] = (),
    ):
        self.spec = spec
        self.data = data
        self.errors: list[str] = []
        # Filters the page fixes (a cluster's own list): neither chips nor parameters.
        self.fixed = set(fixed)
        self.choices = {f.key: f.choices for f in spec.filters if f.choices is not None}
        self.choices.update(choices or {})
        self.q = _text(data.get("q"))
        self.values: dict[str, str] = {}
        self.unknown = False  # a choice outside its values: the list is empty
        for item in spec.filters:
            value = _text(data.get(item.key))
            if not value or item.key in self.fixed:
                continue
            known = self.choices.get(item.key)
            if known is not None and value not in {v for v, _label in known}:
                self.errors.append(
                    _("%(filter)s: no %(value)r here; choose one of the list.")
                    % {"filter": item.label, "value": value}
                )
                self.unknown = True
            elif item.check is not None and (error := item.check(value)):
                self.errors.append(
                    _("%(filter)s: %(error)s") % {"filter": item.label, "error": error}
                )
                self.unknown = True
            self.values[item.key] = value
        if spec.check is not None and not self.unknown and (errors := spec.check(self.values)):
            self.errors += errors
            self.unknown = True
        self.sort = _text(data.get("sort"))
        if self.sort.removeprefix("-") not in spec.sorts:
            if self.sort:
                message = _("Sort: no column %(column)r; the usual order instead.")
                self.errors.append(message % {"column": self.sort})
            self.sort = ""
        self.page_size = _page_size(data.get("per_page"), saved_page_size)
        self.columns = self._columns(data.get("cols"), saved_columns)

    def _columns(self, text: str | None, saved: Iterable[str] | None) -> list[str]:
        known = [c.key for c in self.spec.columns]
        if text is not None:
            chosen = set(text.split(","))
        elif saved:
            chosen = set(saved)
        else:
            chosen = {c.key for c in self.spec.columns if c.default}
        chosen.add(known[0])
        return [key for key in known if key in chosen]

    @property
    def shown(self) -> list[Column]:
        return [c for c in self.spec.columns if c.key in self.columns]

    def apply(self, queryset: QuerySet) -> QuerySet:
        """queryset searched, filtered and sorted (scope it to the user first)."""
        if self.unknown:  # a value no filter can take: nothing, and no match() of it
            return self._ordered(queryset.none())
        if self.q:
            search = self.spec.search
            match = search if callable(search) else contains(*search)
            queryset = queryset.filter(match(self.q))
        for key, value in self.values.items():
            item = self.spec.filter(key)
            if value in item.special:
                queryset = item.special[value](queryset)
            else:
                queryset = queryset.filter(item.match(value))
        for item in self.spec.filters:  # what a special value leaves out by default
            if "" in item.special and item.key not in self.values:
                queryset = item.special[""](queryset)
        return self._ordered(queryset)

    def _ordered(self, queryset: QuerySet) -> QuerySet:
        sort = self.sort or self.spec.default_sort
        descending = sort.startswith("-")
        column = self.spec.sorts[sort.removeprefix("-")]
        order = list(dict.fromkeys([column, *self.spec.ties]))
        return queryset.order_by(*(f"-{o}" if descending else o for o in order))

    @property
    def sort_field(self) -> tuple[str, bool]:
        """The field the list is sorted on now, and whether in descending order."""
        sort = self.sort or self.spec.default_sort
        return self.spec.sorts[sort.removeprefix("-")], sort.startswith("-")

    def ids(self, queryset: QuerySet) -> QuerySet | list:
        """The pks of queryset (as apply() gives it) in the list's order: a query, or,
        sorted by a natural column, a list put in natural order here (ties by pk)."""
        sort = (self.sort or self.spec.default_sort).removeprefix("-")
        if not self.spec.column(sort).natural:
            return queryset.values_list("pk", flat=True)
        name, descending = self.sort_field
        pairs = queryset.order_by().values_list("pk", name)
        ordered = sorted(pairs, key=lambda pair: (natural_key(pair[1] or ""), pair[0]))
        return [pk for pk, _name in (reversed(ordered) if descending else ordered)]

    # The address: what is chosen, so that a link shows the same list.
    def parameters(self, **changes: str | None) -> QueryDict:
        chosen: dict[str, str] = {}
        if self.q:
            chosen["q"] = self.q
        chosen.update(self.values)
        if self.sort:
            chosen["sort"] = self.sort
        # Page size and columns when not the defaults (a user's remembered ones too),
        # so that whoever follows the link sees the same.
        if self.page_size != DEFAULT_PAGE_SIZE:
            chosen["per_page"] = str(self.page_size)
        if self.columns != self._columns(None, None):
            chosen["cols"] = ",".join(self.columns)
        for key, value in changes.items():
            if value is None:
                chosen.pop(key, None)
            else:
                chosen[key] = value
        query = QueryDict(mutable=True)
        query.update(chosen)
        return query

    def url(self, **changes: str | None) -> str:
        return "?" + self.parameters(**changes).urlencode()

    def filter_parameters(self) -> str:
        """The search and filters alone (what "all matching" acts on), fixed ones too."""
        query = QueryDict(mutable=True)
        if self.q:
            query["q"] = self.q
        for key, value in self.values.items():
            query[key] = value
        return query.urlencode()

    def sort_url(self, column: Column) -> str:
        current = self.sort or self.spec.default_sort
        descending = current == column.key
        return self.url(sort=f"-{column.key}" if descending else column.key, page=None)

    def sorted_by(self, column: Column) -> str:
        """ "ascending", "descending" or "" (for aria-sort)."""
        current = self.sort or self.spec.default_sort
        if current == column.key:
            return "ascending"
        if current == f"-{column.key}":
            return "descending"
        return ""

    def headings(self, columns: Iterable[Column]) -> list[tuple[Column, str, str]]:
        """Per column: its sort address ("" if it does not sort) and its aria-sort."""
        return [
            (c, self.sort_url(c) if c.sort else "", self.sorted_by(c) if c.sort else "")
            for c in columns
        ]

    @property
    def chips(self) -> list[Chip]:
        chips = []
        if self.q:
            chips.append(Chip(_("Search"), self.q, self.url(q=None, page=None)))
        for key, value in self.values.items():
            item = self.spec.filter(key)
            label = dict(self.choices.get(key) or ()).get(value, value)
            chips.append(Chip(item.label, label, self.url(**{key: None, "page": None})))
        return chips

    @property
    def clear_url(self) -> str:
        """The address without search and filters (sort, page size, columns kept)."""
        return self.url(q=None, **dict.fromkeys(self.values))

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.values)

    @property
    def fields(self) -> list[tuple[Filter, str, tuple[tuple[str, str], ...] | None]]:
        """The filters a form offers: each with its value and, for a choice, its values."""
        return [
            (item, self.values.get(item.key, ""), self.choices.get(item.key))
            for item in self.spec.filters
            if item.key not in self.fixed
        ]

    @property
    def kept(self) -> list[tuple[str, str]]:
        """Sort, page size and columns: what the filter form passes on as it is."""
        query = self.parameters()
        return [(key, query[key]) for key in ("sort", "per_page", "cols") if key in query]


class TwoStepPaginator(Paginator):
    """Pages read in two steps: the page's ids, from a narrow query (the table alone,
    unless a filter needs a join) that the sort's index serves and stops at the
    page's end; then those rows with what they show (`fetch(ids)`: joins, wide
    columns). One query ordering and limiting every joined row costs MariaDB a
    sort of all of them (bench/vm_list.py)."""

    def __init__(
        self,
        queryset: QuerySet,
        per_page: int,
        fetch: Callable[[list], QuerySet],
        ids: QuerySet | Sequence | None = None,
    ):
        """ids: the list's pks in its order, when not queryset's (ListQuery.ids)."""
        super().__init__(queryset.values_list("pk", flat=True) if ids is None else ids, per_page)
        self.fetch = fetch

    def page(self, number):
        page = super().page(number)
        ids = list(page.object_list)
        rows = {row.pk: row for row in self.fetch(ids)} if ids else {}
        page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page


def _text(value: str | None) -> str:
    """A parameter as a filter takes it: trimmed, bounded, without NUL (which
    PostgreSQL refuses in text)."""
    return (value or "").replace("\x00", "").strip()[:200]


def _page_size(text: str | None, saved: int | None) -> int:
    for candidate in (text, saved):
        try:
            number = int(candidate)
        except (TypeError, ValueError):
            continue
        if number in PAGE_SIZES:
            return number
    return DEFAULT_PAGE_SIZE


# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value for a CSV cell that a spreadsheet shows and does not evaluate."""
    if isinstance(value, (list, tuple)):
        value = " ".join(map(str, value))
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


# Every list, by name: where remembered preferences are checked against.
SPECS: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> ListSpec:
    SPECS[spec.name] = spec
    return spec


def without_view_choices(path: str) -> str:
    """path (with its query) without columns, page size and page: after a user chose
    and remembered them, their choice shows rather than the old address's."""
    base, _mark, query = path.partition("?")
    kept = QueryDict(query, mutable=True)
    for key in ("cols", "per_page", "page"):
        kept.pop(key, None)
    return f"{base}?{kept.urlencode()}" if kept else base
