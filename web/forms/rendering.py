"""The form renderer: Django's, with the plain inputs and the textarea written in Python.

Django renders every widget through a template (an input, then its attributes through an include): about
0.2 ms each here, and a request page or the queue's filter bar shows several. The markup below is what
those templates produce, character for character (``tests/helpdesk/test_forms_rendering.py`` compares
them for every widget of the desk's forms); any other template goes to Django's renderer as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

# Widgets whose template is django/forms/widgets/input.html with nothing added.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "search", "email", "number", "date", "tel", "url", "password", "hidden", "checkbox")
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _text(value: Any) -> str:
    # {{ value|stringformat:'s' }}: the value's str, escaped unless the value was marked safe.
    text = str(value)
    return text if isinstance(value, SafeData) else str(escape(text))


def _attributes(attrs: dict[str, Any]) -> str:
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes it bare.
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attributes(widget['attrs'])}>"
    )


def render_textarea(widget: dict[str, Any]) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>\n{value}</textarea>'


class DeskFormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        return super().render(template_name, context, request=request)
