"""`/auth/*`: token login and logout, password reset by e-mail link.

The token login is limited like every sign-in (portal/accounts/login_limits.py, per account and address and
per address); the password reset endpoints, which send e-mails and check tokens, by the "auth" rate per address.
"""

import math
from datetime import timedelta

from django.contrib.auth import authenticate, get_user_model, logout
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.me import MeSerializer
from portal.accounts import login_limits, services


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = MeSerializer()


class LoginLocked(exceptions.Throttled):
    """Too many failed sign-ins: 429 `throttled`, the wait in words and in `Retry-After`."""

    def __init__(self, wait: timedelta):
        super().__init__(detail=login_limits.lockout_message(wait))
        self.wait = math.ceil(wait.total_seconds())


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        return "Token"

    @extend_schema(request=LoginSerializer, responses=LoginResponseSerializer)
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = {"username": data.validated_data["email"], "password": data.validated_data["password"]}
        user = authenticate(request, **credentials)
        if user is None:
            # django-axes refused it, or counted it as the failure that reached a limit.
            if getattr(request, "axes_locked_out", False):
                raise LoginLocked(login_limits.lockout_wait(request, credentials))
            raise exceptions.AuthenticationFailed(_("Wrong e-mail or password."), code="invalid_credentials")
        # A token login is a sign-in: last_login moves and the account's failures from this address are forgotten.
        user_logged_in.send(sender=type(user), request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "user": MeSerializer(user).data})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetView(APIView):
    """Always answers 202, so the API never tells whether an address has an account."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    @extend_schema(request=PasswordResetSerializer, responses={202: None})
    def post(self, request):
        data = PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_password_reset(data.validated_data["email"])
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = serializers.CharField(trim_whitespace=False, write_only=True)

    def validate(self, attrs):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(pk=force_str(urlsafe_base64_decode(attrs["uid"])), is_active=True)
        except (user_model.DoesNotExist, ValueError, TypeError, OverflowError):
            user = None
        if user is None or not default_token_generator.check_token(user, attrs["token"]):
            raise serializers.ValidationError({"token": [_("This link is no longer valid.")]})
        try:
            validate_password(attrs["new_password"], user)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"new_password": list(error.messages)}) from error
        attrs["user"] = user
        return attrs


class PasswordResetConfirmView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    @extend_schema(request=PasswordResetConfirmSerializer, responses={204: None})
    def post(self, request):
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = data.validated_data["user"]
        user.set_password(data.validated_data["new_password"])
        user.save(update_fields=["password"])
        Token.objects.filter(user=user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
