"""The budget lines of a fund application: the one widget the desk needs beyond Django's own."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorList
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

BLANK_BUDGET_ROWS = 3
MAX_AMOUNT = Decimal("1e10")


class BudgetLinesWidget(forms.Widget):
    """Rows of (item, amount) inputs; a few blank rows are always offered, no script needed."""

    template_name = ""  # rendered in ``render``: the form renderer does not search the project's templates

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        rows = []
        for index in range(50):
            item = (data.get(f"{name}-{index}-item") or "").strip()
            amount = (data.get(f"{name}-{index}-amount") or "").strip()
            if f"{name}-{index}-item" not in data and f"{name}-{index}-amount" not in data:
                break
            if item or amount:
                rows.append({"item": item, "amount": amount})
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-0-item" not in data

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        base_id = (attrs or {}).get("id") or f"id_{name}"
        rows = [dict(row) for row in (value or []) if isinstance(row, dict)]
        rows += [{"item": "", "amount": ""}] * BLANK_BUDGET_ROWS
        body = format_html_join(
            "",
            '<tr><td><label class="visually-hidden" for="{0}-{1}-item">{2}</label>'
            '<input class="form-control form-control-sm" type="text" maxlength="200" name="{3}-{1}-item"'
            ' id="{0}-{1}-item" value="{4}"></td>'
            '<td><label class="visually-hidden" for="{0}-{1}-amount">{5}</label>'
            '<input class="form-control form-control-sm" type="text" inputmode="decimal" name="{3}-{1}-amount"'
            ' id="{0}-{1}-amount" value="{6}"></td></tr>',
            (
                (
                    base_id,
                    index,
                    _("Item %(n)s") % {"n": index + 1},
                    name,
                    row.get("item", ""),
                    _("Amount %(n)s") % {"n": index + 1},
                    row.get("amount", ""),
                )
                for index, row in enumerate(rows)
            ),
        )
        return format_html(
            '<table class="table table-sm mb-1 budget-lines" id="{}"><thead><tr><th scope="col">{}</th>'
            '<th scope="col" class="w-25">{}</th></tr></thead><tbody>{}</tbody></table>',
            base_id,
            _("Item"),
            _("Amount"),
            body,
        )


class BudgetLinesField(forms.Field):
    widget = BudgetLinesWidget
    default_error_messages = {
        "incomplete": _("Each budget line needs both an item and an amount."),
        "amount": _("Enter amounts such as 1500 or 1500.50."),
    }

    def to_python(self, value: Any) -> list[dict[str, str]]:
        lines = []
        errors = ErrorList()
        for row in value or []:
            item, amount = row.get("item", ""), row.get("amount", "")
            if not item or not amount:
                errors.append(self.error_messages["incomplete"])
                continue
            try:
                number = Decimal(amount.replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                errors.append(self.error_messages["amount"])
                continue
            # Past ten digits before the point it is no amount anyone asks for (and 1e999 cannot be rounded).
            if not number.is_finite() or number <= 0 or number >= MAX_AMOUNT:
                errors.append(self.error_messages["amount"])
                continue
            lines.append({"item": item[:200], "amount": str(number.quantize(Decimal("0.01")))})
        if errors:
            raise forms.ValidationError(sorted(set(errors)))
        return lines

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
