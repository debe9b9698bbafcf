"""`/notifications`: the signed-in user's in-app notifications, and marking them read."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.notifications import services
from portal.notifications.models import Notification

TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no"}


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="A short text in the recipient's language.")
    payload = serializers.JSONField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "payload", "created_at", "read_at", "sent_at"]
        read_only_fields = fields


def notifications_of(user):
    # The recipient is joined because the title is rendered in their language.
    return Notification.objects.for_user(user).select_related("recipient")


@extend_schema(
    parameters=[OpenApiParameter("unread", bool, description="true: unread only; false: read only")],
)
class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        queryset = notifications_of(self.request.user)
        unread = self.request.query_params.get("unread")
        if unread is not None:
            value = unread.strip().lower()
            if value in TRUE:
                queryset = queryset.filter(read_at__isnull=True)
            elif value in FALSE:
                queryset = queryset.filter(read_at__isnull=False)
            else:
                raise serializers.ValidationError({"unread": [_("Must be true or false.")]})
        return queryset


class NotificationReadView(APIView):
    """Mark one of the caller's notifications read; marking it again changes nothing."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, notification_id: int):
        notification = get_object_or_404(notifications_of(request.user), pk=notification_id)
        services.mark_read(notification, by=request.user)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """Mark all the caller's notifications read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    def post(self, request):
        return Response({"marked": services.mark_all_read(request.user)})
