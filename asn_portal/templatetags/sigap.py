"""Template tags of the pages' shared pieces, rendered in Python where a template loop would
cost a lookup per option on every page view (bench/RESULTS.md, page overhead)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def filter_select(field, empty: str = ""):
    """A list filter's <select> with Bootstrap styling and a readable "all" choice instead of
    "---------":  {% filter_select form.opd _("All OPDs") %}.

    The OPD filter alone has some 180 options; a template loop over them cost a few
    milliseconds per page view."""
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                "" if option.data["value"] is None else option.data["value"],
                " selected" if option.data["selected"] else "",
                empty or "—" if option.data["value"] in ("", None) else option.data["label"],
            )
            for option in field.subwidgets
        ),
    )
    return format_html(
        '<select name="{}" id="{}" class="form-select{}">{}</select>',
        field.html_name,
        field.auto_id,
        " is-invalid" if field.errors else "",
        options,
    )
