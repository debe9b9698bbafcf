"""The portal's addresses, and `/bench/floor`: the framework's floor, a fixed JSON answer through every middleware."""

from django.http import JsonResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def floor(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("bench/floor", floor), *portal_urlpatterns]
