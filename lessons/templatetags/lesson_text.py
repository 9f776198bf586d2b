"""`{{ text|inline_md }}`: a lesson's short texts (objectives, prompts, explanations) are
inline Markdown (code, emphasis, links), rendered safely: raw HTML is escaped."""

from django import template
from django.utils.safestring import mark_safe

from lessons.markdown import render_inline

register = template.Library()


@register.filter
def inline_md(text: str) -> str:
    return mark_safe(render_inline(str(text)))  # markdown-it with raw HTML disabled


@register.filter
def lookup(mapping, key):
    """`{{ picked.positions|lookup:item.id }}`: a dict entry by a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
