"""What every API view shares: who may call it (a signed-in user; write scope for
changes), the per-token throttle, JSON errors, cursor pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from ganeti_webmgr.api.access import SignedIn
from ganeti_webmgr.api.conditional import detail


class ApiView(APIView):
    permission_classes = [SignedIn]


class ListView(generics.ListAPIView):
    """A list in cursor pages; get_queryset() scopes and filters (api.listing)."""

    permission_classes = [SignedIn]


class DetailView(ApiView):
    """GET one object (get_object(): 404 unless the user may see it), with an ETag."""

    serializer_class = None
    conditional = True  # api.schema: answers 304 to its ETag

    def get_object(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return detail(request, self.serializer_class(obj, context={"request": request}).data)


@extend_schema(exclude=True)
class NotFound(APIView):
    """Any other address under /api/: a JSON 404, not the web's page."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    post = put = patch = delete = head = options = get
