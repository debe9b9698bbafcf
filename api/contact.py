"""`/contact/messages`: writing to the portal team, as the contact page's form does."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.contact import services
from portal.contact.throttles import ContactRateThrottle
from portal.ids import MAX_ID


class ContactMessageSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.MAX_NAME_LENGTH)
    email = serializers.EmailField(max_length=services.MAX_EMAIL_LENGTH)
    hub = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="The hub the message is about (its team answers); empty: the portal team.",
    )
    subject = serializers.CharField(max_length=services.MAX_SUBJECT_LENGTH)
    message = serializers.CharField(max_length=services.MAX_MESSAGE_LENGTH)


class ContactMessageView(APIView):
    """Write to the team of a hub, or to the portal team: the message is e-mailed, the team answers by e-mail.

    Each address may send a few messages an hour (429 beyond, with `Retry-After`), counted with the contact page's.
    """

    permission_classes = [AllowAny]
    # Counted below once the message is valid, as the contact page counts it, not on every call.
    throttle_classes = []

    @extend_schema(
        request=ContactMessageSerializer,
        responses={202: inline_serializer("ContactMessageSent", {"team": serializers.CharField()})},
    )
    def post(self, request):
        data = ContactMessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        throttle = ContactRateThrottle()
        if not throttle.allow_request(request, self):
            raise exceptions.Throttled(throttle.wait())
        recipient = services.send_message(services.ContactMessage(**data.validated_data), by=request.user)
        return Response({"team": recipient.team}, status=status.HTTP_202_ACCEPTED)
