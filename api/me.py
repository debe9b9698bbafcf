"""`GET /me`: the signed-in user, their roles, memberships and permissions per organisation."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import access


class MembershipSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.title")
    role = serializers.CharField()
    can_create_offers = serializers.BooleanField()


class SchoolRoleSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school_id")
    school_name = serializers.CharField(source="school.title")
    programme = serializers.IntegerField(source="programme_id", allow_null=True)
    role = serializers.CharField()


class HubRoleSerializer(serializers.Serializer):
    hub = serializers.IntegerField(source="hub_id")
    hub_name = serializers.CharField(source="hub.title")


class StudentSerializer(serializers.Serializer):
    school = serializers.IntegerField(source="school_id")
    programme = serializers.IntegerField(source="programme_id", allow_null=True)
    study_level = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    language = serializers.CharField()
    roles = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()
    school_roles = serializers.SerializerMethodField()
    hub_roles = serializers.SerializerMethodField()
    student = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    programme_permissions = serializers.SerializerMethodField()

    def get_roles(self, user) -> list[str]:
        roles = set()
        roles.update(m.role for m in user.memberships.all())
        roles.update(r.role for r in user.school_roles.all())
        if user.hub_roles.exists():
            roles.add("hub_moderator")
        if hasattr(user, "student"):
            roles.add("student")
        if user.is_superuser or user.is_staff:
            roles.add("editor")
        return sorted(roles)

    def get_memberships(self, user) -> list[dict]:
        return MembershipSerializer(user.memberships.select_related("organisation"), many=True).data

    def get_school_roles(self, user) -> list[dict]:
        return SchoolRoleSerializer(user.school_roles.select_related("school"), many=True).data

    def get_hub_roles(self, user) -> list[dict]:
        return HubRoleSerializer(user.hub_roles.select_related("hub"), many=True).data

    def get_student(self, user) -> dict | None:
        student = getattr(user, "student", None)
        return StudentSerializer(student).data if student else None

    def get_permissions(self, user) -> dict[str, list[str]]:
        return {str(pk): codenames for pk, codenames in access.organisations.organisation_permissions(user).items()}

    def get_programme_permissions(self, user) -> dict[str, list[str]]:
        return {str(pk): codenames for pk, codenames in access.organisations.programme_permissions(user).items()}


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)
