"""The API's lists: the web lists' search and filters (core.listing, same parameters,
same meaning), scoped by permissions.rules, in cursor pages."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

from ganeti_webmgr.clusters.models import Cluster
from ganeti_webmgr.core.listing import ListQuery, ListSpec
from ganeti_webmgr.permissions import rules


class BadQuery(exceptions.ValidationError):
    pass


def filtered(spec: ListSpec, request, queryset, *, choices=None, fixed=()):
    """queryset (already scoped to the user) searched and filtered as the web list
    would; a value the list refuses is a 400 naming it."""
    data = request.query_params.copy()
    data.pop("sort", None)  # cursor pages keep their own order
    query = ListQuery(spec, data, choices=choices or {}, fixed=fixed)
    if query.errors:
        raise BadQuery({"query": [str(e) for e in query.errors]})
    return query.apply(queryset).order_by()


def cluster_choices(user) -> dict[str, tuple[tuple[str, str], ...]]:
    """The cluster filter's values: the slugs of the clusters user may see."""
    slugs = rules.visible(user, Cluster.objects.all()).values_list("slug", flat=True)
    return {"cluster": tuple((slug, slug) for slug in slugs)}


def filter_parameters(spec: ListSpec, fixed=()) -> list[tuple[str, str]]:
    """(parameter, description) of spec's search and filters, for the schema."""
    params = [("q", "Quick search, as the web list's search box.")]
    for item in spec.filters:
        if item.key in fixed:
            continue
        text = str(item.label)
        if item.choices:
            text += ": one of " + ", ".join(v for v, _label in item.choices)
        if item.help:
            text += f" ({item.help})"
        params.append((item.key, text))
    return params


def schema_parameters(spec: ListSpec, fixed=()) -> list[OpenApiParameter]:
    """spec's search and filters as the schema's query parameters."""
    return [
        OpenApiParameter(name, str, description=text, required=False)
        for name, text in filter_parameters(spec, fixed)
    ]
