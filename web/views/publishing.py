""" "Publish what was learned": hub staff start a draft resource from a closed request; the city's focal point
answers whether it may be published (naming the city, without naming it, or not at all).

The draft's fields are prefilled by ``workflows.publishing`` from the request's shareable summary and outcomes
only; what is saved goes through ``resource_from_request_start`` (cleaned, screened, the city asked).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from helpdesk import services
from helpdesk.access import can
from helpdesk.models import Consent, Resource, ResourceFile, ResourceVersion, User
from helpdesk.sanitize import render_html
from helpdesk.screening import PersonalDataFound
from helpdesk.selectors import visible_resources
from web.forms.publishing import ConsentForm, ResourceFromRequestForm
from web.outcomes import value_text
from web.views.common import request_or_404, service_refusal_show, signed_in
from web.views.resources import resource_personal_data_show
from workflows.publishing import resource_from_request_prefill, resource_from_request_start


@login_required
def request_publish(request: HttpRequest, reference: str) -> HttpResponse:
    """The draft resource a hub starts from a closed request, prefilled for them to edit before saving."""
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    if not can(user, "publish_from_request", support_request):
        raise Http404
    if request.method == "POST":
        form = ResourceFromRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                resource = resource_from_request_start(
                    request=support_request,
                    actor=user,
                    kind=data["kind"],
                    language=data["language"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    themes=data["themes"],
                    priorities=data["priorities"],
                )
            except PersonalDataFound as found:
                resource_personal_data_show(form, found)
            except ValidationError as invalid:
                service_refusal_show(form, invalid)
            else:
                messages.success(
                    request, _("Draft saved. The city's focal points are asked whether it may be published.")
                )
                return HttpResponseRedirect(reverse("resource-consent", kwargs={"slug": resource.slug}))
        names_city = False
    else:
        prefill = resource_from_request_prefill(support_request)
        body = prefill.body(value_text)
        form = ResourceFromRequestForm(
            initial={
                "kind": prefill.kind,
                "language": prefill.language,
                "title": prefill.title,
                "summary": prefill.summary,
                "body": body,
                "themes": prefill.themes,
                "priorities": prefill.priorities,
            }
        )
        names_city = services.city_named_in(support_request.city, [prefill.title, prefill.summary, body])
    return render(
        request,
        "web/resources/publish_from_request.html",
        {"req": support_request, "form": form, "names_city": names_city},
    )


def _resource_for_consent(user: User, slug: str) -> Resource:
    """The resource ``slug`` with every language version and file, if ``user`` may read it and it asks (or
    asked) a city's consent; 404 otherwise."""
    resource = (
        visible_resources(user)
        .filter(slug=slug, city__isnull=False)
        .exclude(consent=Consent.NOT_NEEDED)
        .select_related("city", "consent_by")
        .prefetch_related(
            Prefetch("versions", queryset=ResourceVersion.objects.select_related("written_by").order_by("language")),
            Prefetch("files", queryset=ResourceFile.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if resource is None or not can(user, "view_resource", resource):
        raise Http404
    return resource


@login_required
def resource_consent(request: HttpRequest, slug: str) -> HttpResponse:
    """The city's focal point reads exactly what would be published and answers; others who may read the
    resource see the answer given (or that it is awaited)."""
    user = signed_in(request)
    resource = _resource_for_consent(user, slug)
    may_answer = can(user, "answer_consent", resource)
    form = ConsentForm(request.POST if request.method == "POST" and may_answer else None)
    if request.method == "POST" and may_answer and form.is_valid():
        try:
            services.resource_consent_answer(resource=resource, actor=user, answer=form.cleaned_data["answer"])
        except ValidationError as invalid:
            form.add_error("answer", invalid.messages)
        else:
            messages.success(request, _("Thank you: your answer is recorded and the hub is told."))
            return HttpResponseRedirect(reverse("resource-consent", kwargs={"slug": resource.slug}))
    return render(
        request,
        "web/resources/consent.html",
        {
            "resource": resource,
            "versions": [
                {"version": v, "body": mark_safe(render_html(v.body, sealed_with=v.body_seal))}
                for v in resource.versions.all()
            ],
            "files": list(resource.files.all()),
            "form": form if may_answer else None,
        },
    )
