"""The web pages of applications: apply, follow, read and answer, export."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def detail(request, application_id: int):
    raise Http404
