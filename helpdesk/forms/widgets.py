"""Widgets the desk needs beyond Django's own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

BLANK_BUDGET_ROWS = 3


class BudgetLinesWidget(forms.Widget):
    """Rows of (item, amount) inputs; a few blank rows are always offered, no script needed."""

    template_name = "helpdesk/widgets/budget_lines.html"

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

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [dict(row) for row in (value or []) if isinstance(row, dict)]
        rows += [{"item": "", "amount": ""}] * BLANK_BUDGET_ROWS
        context["widget"]["rows"] = [
            {"index": i, "item": row.get("item", ""), "amount": row.get("amount", "")} for i, row in enumerate(rows)
        ]
        return context


class BudgetLinesField(forms.Field):
    widget = BudgetLinesWidget
    default_error_messages = {
        "incomplete": _("Each budget line needs both an item and an amount."),
        "amount": _("Enter amounts such as 1500 or 1500.50."),
    }

    def to_python(self, value: Any) -> list[dict[str, str]]:
        from decimal import Decimal, InvalidOperation

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
            if not number.is_finite() or number <= 0:
                errors.append(self.error_messages["amount"])
                continue
            lines.append({"item": item[:200], "amount": str(number.quantize(Decimal("0.01")))})
        if errors:
            raise forms.ValidationError(sorted(set(errors)))
        return lines

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
