"""`GET /stats`: the public counters."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts.stats import public_counters


class StatsSerializer(serializers.Serializer):
    students = serializers.IntegerField()
    organisations = serializers.IntegerField()
    companies = serializers.IntegerField()
    schools = serializers.IntegerField()
    cvs = serializers.IntegerField()
    live_offers = serializers.IntegerField()


class StatsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=StatsSerializer)
    def get(self, request):
        return Response(public_counters())
