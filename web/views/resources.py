"""The resource hub's pages: the search, a resource in the reader's language, writing one (new, what it is about,
a language version, its files) and its review (send to review, send back, publish, archive).

Resources are fetched only through ``helpdesk.selectors.visible_resources``/``resources_search`` (404 for one
the person may not read), every action is decided by ``can`` and written by a ``helpdesk.services`` function.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from helpdesk import selectors, services
from helpdesk.access import can
from helpdesk.attachments import AttachmentRefused, safe_name
from helpdesk.models import (
    CONSENT_GIVEN,
    HeldFile,
    Language,
    Region,
    Resource,
    ResourceFile,
    ResourceLog,
    ResourceState,
    ResourceVersion,
    StrategicPriority,
    Theme,
    User,
)
from helpdesk.sanitize import html_to_markdown, markdown_html, render_html
from helpdesk.screening import PersonalDataFound
from web.context_processors import LANGUAGE_SELF_NAMES
from web.downloads import stored_file_response
from web.forms.requests import MAX_FILES
from web.forms.resources import AboutForm, ResourceFilterForm, ResourceForm, ReturnForm, VersionForm, file_ids
from web.lists.resources import (
    direction,
    labels,
    language_labels,
    page_number,
    pick_version,
    reader_language,
    resource_page,
)
from web.ratelimits import limit_posts
from web.views.common import kept_files, service_refusal_show, signed_in, uploads_hold

PREVIEW_MAX_CHARS = 60_000


def resource_or_404(user: User, slug: str, *, full: bool = False) -> Resource:
    """The resource ``slug`` if ``user`` may read it; 404 otherwise, so addresses cannot be probed."""
    found = selectors.visible_resources(user).filter(slug=slug)
    versions = ResourceVersion.objects.select_related("written_by") if full else ResourceVersion.objects.all()
    found = found.select_related("region", "city", "created_by", "source_request").prefetch_related(
        Prefetch("versions", queryset=versions)
    )
    if full:
        found = found.prefetch_related("files")
    resource = found.first()
    if resource is None:
        raise Http404
    return resource


def resource_personal_data_show(form: Any, found: PersonalDataFound) -> list[str]:
    """Mark each field where personal data was found; a resource is read by the whole network, so it is never
    confirmed in: the message says to take it out. (Also the publish-from-request page's.)"""
    for name in found.findings:
        form.add_error(
            name if name in form.fields else None,
            _("Remove the personal data: every city of the network may read a resource."),
        )
    return found.messages


# --- The list ---------------------------------------------------------------------------------------------
@require_GET
@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    may_write = can(user, "propose_resource")
    regions = list(Region.objects.all())
    form = ResourceFilterForm(request.GET or None, regions=regions, may_show_unpublished=may_write)
    filters = form.search_filters()
    found = selectors.resources_search(user, **filters)
    page = resource_page(found, number=page_number(request.GET.get("page")))
    return render(
        request,
        "web/resources/list.html",
        {
            "form": form,
            "page": page,
            "may_write": may_write,
            "searched": bool(filters["q"]),
            "unpublished": ResourceState.PUBLISHED not in filters["states"],
        },
    )


# --- One resource -------------------------------------------------------------------------------------------
def _versions_view(versions: list[ResourceVersion]) -> list[dict[str, Any]]:
    names = dict(Language.choices)
    return [
        {
            "version": v,
            "language_name": str(names.get(v.language, "")),
            # The language switch names each in its own words (as the desk's switcher does), with its lang.
            "self_name": LANGUAGE_SELF_NAMES.get(v.language, v.language),
            "from_name": str(names.get(v.translated_from, "")) if v.translated_from else "",
            "dir": direction(v.language),
        }
        for v in sorted(versions, key=lambda v: [c for c, _l in Language.choices].index(v.language))
    ]


@require_GET
@login_required
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in(request)
    resource = resource_or_404(user, slug, full=True)
    versions = list(resource.versions.all())
    version = pick_version(versions, request.GET.get("lang", ""))
    return render(request, "web/resources/detail.html", resource_detail_context(user, resource, versions, version))


def resource_detail_context(
    user: User, resource: Resource, versions: list[ResourceVersion], version: ResourceVersion | None
) -> dict[str, Any]:
    """What the resource's page shows ``user`` of it, in ``version`` (the API's resource answer reads it too)."""
    may_edit = can(user, "edit_resource", resource)
    returned = None
    if may_edit and resource.state == ResourceState.DRAFT:
        returned = (
            ResourceLog.objects.filter(resource=resource, action="returned").order_by("-created_at", "-id").first()
        )
    source = resource.source_request
    missing = [code for code, _label in Language.choices if code not in {v.language for v in versions}]
    return {
        "resource": resource,
        "version": version,
        "body": mark_safe(render_html(version.body, sealed_with=version.body_seal)) if version else "",
        "dir": direction(version.language) if version else "auto",
        "versions": _versions_view(versions),
        "missing_languages": language_labels(missing),
        "kind": resource.get_kind_display(),
        "themes": labels(resource.themes or [], Theme.choices),
        "priorities": labels(resource.priorities or [], StrategicPriority.choices),
        "files": list(resource.files.all()),
        "file_languages": dict(Language.choices),
        "source": source if source is not None and can(user, "view", source) else None,
        "may_edit": may_edit,
        "may_submit": can(user, "submit_resource", resource),
        "may_review": can(user, "review_resource", resource),
        "may_publish": can(user, "publish_resource", resource),
        "consent_missing": resource.consent not in CONSENT_GIVEN,
        "may_archive": can(user, "archive_resource", resource),
        "consent_url": reverse("resource-consent", kwargs={"slug": resource.slug})
        if can(user, "answer_consent", resource)
        else "",
        "returned": returned,
        "return_form": ReturnForm(),
    }


@require_GET
@login_required
def resource_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A resource's file, with the headers of every download; 404 unless the resource is readable."""
    return resource_file_response(signed_in(request), slug, pk)


def resource_file_response(user: User, slug: str, pk: int) -> FileResponse:
    """The download of file ``pk`` of resource ``slug`` for ``user`` (the page and the API): 404 unless they may
    read the resource, streamed with the headers of every download."""
    resource = resource_or_404(user, slug)
    item = ResourceFile.objects.filter(resource=resource, pk=pk).first()
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    return stored_file_response(handle, filename=item.original_name, content_type=item.content_type)


# --- Writing ------------------------------------------------------------------------------------------------
def _preview(request: HttpRequest) -> HttpResponse | None:
    """The text being written, as it will read (nothing stored): the fragment alone for the page's script."""
    if "preview" not in request.POST:
        return None
    preview = mark_safe(markdown_html(request.POST.get("body", "")[:PREVIEW_MAX_CHARS]))
    if request.headers.get("X-Preview") == "fragment":
        return render(request, "web/resources/preview.html", {"preview": preview})
    request.preview_html = preview  # type: ignore[attr-defined]  # read back by the form's page below
    return None


def _default_region(user: User) -> Region | None:
    if user.region_id is not None:
        return user.region
    city = user.cities.select_related("region").order_by("name").first()
    return city.region if city is not None else None


def _attach_held(user: User, resource: Resource, kept: list[HeldFile]) -> list[str]:
    """Turn the files kept for the form into the resource's files (checked again); returns any refusal."""
    refusals: list[str] = []
    for held in kept:
        try:
            with held.file.open("rb") as handle:
                services.resource_file_add(resource=resource, actor=user, upload=File(handle, name=held.original_name))
        except AttachmentRefused as refused:
            refusals += [f"{held.original_name}: {message}" for message in refused.messages]
        services.held_file_discard(owner=user, held=held)
    return refusals


@login_required
@limit_posts
def resource_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not can(user, "propose_resource"):
        raise PermissionDenied
    fragment = _preview(request) if request.method == "POST" else None
    if fragment is not None:
        return fragment
    initial = {"language": reader_language(), "region": _default_region(user)}
    form = ResourceForm(request.POST or None, request.FILES or None, initial=initial)
    findings: list[str] = []
    kept: list[HeldFile] = []
    previewing = hasattr(request, "preview_html")
    if request.method == "POST":
        # Files first: whatever else fails, what was chosen is kept and shown, never asked for again.
        kept = kept_files(request, None)
        refusals = uploads_hold(request, None, kept)
        valid = form.is_valid() and not previewing
        if refusals:
            form.add_error("attachment", refusals)
        elif valid:
            data = form.cleaned_data
            try:
                resource = services.resource_create(
                    actor=user,
                    language=data["language"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    **form.service_about(),
                )
            except PersonalDataFound as found:
                findings = resource_personal_data_show(form, found)
            except ValidationError as invalid:
                service_refusal_show(form, invalid)
            else:
                late = _attach_held(user, resource, kept)
                if late:
                    messages.warning(request, " ".join(late))
                messages.success(request, _("Draft saved. Send it to review when it is ready."))
                return HttpResponseRedirect(resource.get_absolute_url())
        if previewing:
            form.errors.clear()  # a preview judges nothing: the form is shown as typed
    return render(
        request,
        "web/resources/form.html",
        {
            "form": form,
            "kept": kept,
            "personal_data": findings,
            "preview": getattr(request, "preview_html", None),
            "max_files": MAX_FILES,
        },
    )


def _editable_or_redirect(request: HttpRequest, user: User, resource: Resource) -> HttpResponse | None:
    if can(user, "edit_resource", resource):
        return None
    messages.info(request, _("This resource cannot be changed by you now."))
    return HttpResponseRedirect(resource.get_absolute_url())


@login_required
@limit_posts
def resource_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """What a resource is about (kind, themes, priorities, hub) and its files."""
    user = signed_in(request)
    resource = resource_or_404(user, slug, full=True)
    refused = _editable_or_redirect(request, user, resource)
    if refused is not None:
        return refused
    initial = {
        "kind": resource.kind,
        "themes": resource.themes,
        "priorities": resource.priorities,
        "region": resource.region,
    }
    form = AboutForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        removed = set(file_ids(request.POST.getlist("remove")))
        for item in resource.files.all():
            if item.pk in removed:
                services.resource_file_remove(resource=resource, actor=user, item=item)
        refusals: list[str] = []
        for upload in form.cleaned_data.get("attachment") or []:
            try:
                services.resource_file_add(resource=resource, actor=user, upload=upload)
            except AttachmentRefused as problem:
                name = safe_name(getattr(upload, "name", "") or "")
                refusals += [f"{name}: {message}" for message in problem.messages]
        try:
            services.resource_update(resource=resource, actor=user, **form.service_about())
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        if refusals:
            form.add_error("attachment", refusals)
        if not form.errors:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(resource.get_absolute_url())
        resource = resource_or_404(user, slug, full=True)
    version = pick_version(list(resource.versions.all()))
    return render(
        request,
        "web/resources/edit.html",
        {"form": form, "resource": resource, "version": version, "attached": list(resource.files.all())},
    )


@login_required
@limit_posts
def resource_version(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """Write, translate or rewrite the resource in ``language``."""
    if language not in Language.values:
        raise Http404
    user = signed_in(request)
    resource = resource_or_404(user, slug, full=True)
    refused = _editable_or_redirect(request, user, resource)
    if refused is not None:
        return refused
    fragment = _preview(request) if request.method == "POST" else None
    if fragment is not None:
        return fragment
    versions = {v.language: v for v in resource.versions.all()}
    current = versions.get(language)
    sources = [code for code in Language.values if code in versions and code != language]
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "title": current.title,
            "summary": current.summary,
            "body": html_to_markdown(current.body),
            "translated_from": current.translated_from,
        }
    elif sources:
        initial = {"translated_from": sources[0]}
    form = VersionForm(request.POST or None, initial=initial, sources=sources)
    findings: list[str] = []
    previewing = hasattr(request, "preview_html")
    if request.method == "POST" and not previewing and form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_version_save(
                resource=resource,
                actor=user,
                language=language,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                translated_from=data["translated_from"],
            )
        except PersonalDataFound as found:
            findings = resource_personal_data_show(form, found)
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(f"{resource.get_absolute_url()}?lang={language}")
    if previewing:
        form.errors.clear()
    source_version = versions.get(form["translated_from"].value() or "") or (
        versions.get(sources[0]) if sources else None
    )
    return render(
        request,
        "web/resources/version.html",
        {
            "form": form,
            "resource": resource,
            "language": language,
            "language_name": dict(Language.choices)[language],
            "dir": direction(language),
            "current": current,
            "source": source_version,
            "source_body": mark_safe(render_html(source_version.body, sealed_with=source_version.body_seal))
            if source_version
            else "",
            "personal_data": findings,
            "preview": getattr(request, "preview_html", None),
        },
    )


# --- Review -------------------------------------------------------------------------------------------------
REVIEW_ACTIONS = ("submit", "return", "publish", "archive")


@login_required
@limit_posts
def resource_review(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the reviewer's page (send back with a reason, or publish). POST ``action``: submit (a writer),
    return or publish (a reviewer who did not write it), archive (confirmed)."""
    user = signed_in(request)
    resource = resource_or_404(user, slug, full=True)
    if request.method != "POST":
        if not can(user, "review_resource", resource):
            messages.info(request, _("This resource is not waiting for your review."))
            return HttpResponseRedirect(resource.get_absolute_url())
        versions = list(resource.versions.all())
        context = resource_detail_context(user, resource, versions, pick_version(versions, request.GET.get("lang", "")))
        return render(request, "web/resources/review.html", context)
    action = request.POST.get("action", "")
    if action not in REVIEW_ACTIONS:
        raise Http404
    form = ReturnForm(request.POST) if action == "return" else None
    try:
        if action == "submit":
            services.resource_submit(resource=resource, actor=user)
            messages.success(request, _("Sent to review. A colleague who did not write it will read it."))
        elif action == "return":
            assert form is not None
            if not form.is_valid():
                return _review_again(request, user, resource, form)
            services.resource_return(resource=resource, actor=user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Sent back to its writers with your reason."))
        elif action == "publish":
            services.resource_publish(resource=resource, actor=user)
            messages.success(request, _("Published: every person of the network can now read it."))
        elif request.POST.get("confirm") != "on":
            return render(request, "web/resources/archive.html", {"resource": resource})
        else:
            services.resource_archive(resource=resource, actor=user)
            messages.success(request, _("Archived: it is no longer listed on the hub."))
    except PermissionDenied:
        messages.info(request, _("This resource cannot be changed by you now."))
    except ValidationError as invalid:
        if form is not None:
            service_refusal_show(form, invalid)
            return _review_again(request, user, resource, form)
        messages.error(request, " ".join(invalid.messages))
    return HttpResponseRedirect(resource.get_absolute_url())


def _review_again(request: HttpRequest, user: User, resource: Resource, form: ReturnForm) -> HttpResponse:
    if not can(user, "review_resource", resource):
        return HttpResponseRedirect(resource.get_absolute_url())
    versions = list(resource.versions.all())
    context = resource_detail_context(user, resource, versions, pick_version(versions))
    context["return_form"] = form
    return render(request, "web/resources/review.html", context, status=400)
