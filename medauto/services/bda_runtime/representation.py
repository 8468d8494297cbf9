"""Text representations of parsed elements, pages and documents: markdown, HTML, plain text and CSV.

BDA names the formats PLAIN_TEXT, MARKDOWN, HTML and CSV (CSV for tables only) and keys them ``text``,
``markdown``, ``html`` and ``csv`` in ``representation`` objects.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable

from medauto.engines.document.types import Element, ElementKind, Table, TextRole

FORMAT_KEYS = {"PLAIN_TEXT": "text", "MARKDOWN": "markdown", "HTML": "html", "CSV": "csv"}


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def table_markdown(table: Table) -> str:
    if not table.rows:
        return ""
    width = max(len(row) for row in table.rows)
    rows = [list(row) + [""] * (width - len(row)) for row in table.rows]
    header_count = max(1, table.header_rows)
    header = rows[0] if table.header_rows else [""] * width
    body = rows[header_count:] if table.header_rows else rows
    lines = ["| " + " | ".join(_md_cell(c) for c in header) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def table_html(table: Table) -> str:
    out = ["<table>"]
    for n, row in enumerate(table.rows):
        tag = "th" if n < table.header_rows else "td"
        out.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def table_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(table.rows)
    return buffer.getvalue()


def table_text(table: Table) -> str:
    return "\n".join("\t".join(row) for row in table.rows)


def _list_items(element: Element) -> tuple[str, ...]:
    return element.list_items or tuple(line for line in element.text.splitlines() if line.strip())


def element_markdown(element: Element) -> str:
    if element.kind is ElementKind.TABLE and element.table is not None:
        return table_markdown(element.table)
    if element.kind is ElementKind.FIGURE:
        # No crop image is written, so the figure is marked without a link; its caption (if any) is kept.
        return "![FIGURE]()" + (f" {element.text}" if element.text else "")
    if element.role is TextRole.TITLE:
        return "# " + element.text.replace("\n", " ")
    if element.role is TextRole.SECTION_TITLE:
        level = max(2, min(6, element.heading_level or 2))
        return "#" * level + " " + element.text.replace("\n", " ")
    if element.role is TextRole.LIST:
        return "\n".join(f"- {item}" for item in _list_items(element))
    return element.text


def element_html(element: Element) -> str:
    if element.kind is ElementKind.TABLE and element.table is not None:
        return table_html(element.table)
    if element.kind is ElementKind.FIGURE:
        return "<figure></figure>"
    text = html.escape(element.text)
    if element.role is TextRole.TITLE:
        return f"<h1>{text}</h1>"
    if element.role is TextRole.SECTION_TITLE:
        level = max(2, min(6, element.heading_level or 2))
        return f"<h{level}>{text}</h{level}>"
    if element.role is TextRole.LIST:
        return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in _list_items(element)) + "</ul>"
    if element.role in (TextRole.HEADER, TextRole.FOOTER, TextRole.PAGE_NUMBER):
        return f'<div class="{element.role.value.lower()}">{text}</div>'
    return "<p>" + text.replace("\n", "<br/>") + "</p>"


def element_text(element: Element) -> str:
    if element.kind is ElementKind.TABLE and element.table is not None:
        return table_text(element.table)
    if element.role is TextRole.LIST:
        return "\n".join(f"- {item}" for item in _list_items(element))
    return element.text


def element_representation(element: Element, formats: Iterable[str]) -> dict[str, str]:
    rendered: dict[str, str] = {}
    for fmt in formats:
        if fmt == "MARKDOWN":
            rendered["markdown"] = element_markdown(element)
        elif fmt == "HTML":
            rendered["html"] = element_html(element)
        elif fmt == "PLAIN_TEXT":
            rendered["text"] = element_text(element)
        elif fmt == "CSV" and element.table is not None:
            rendered["csv"] = table_csv(element.table)
    return rendered


def joined_representation(elements: Iterable[Element], formats: Iterable[str]) -> dict[str, str]:
    """A page's or a whole document's representation: its elements in reading order."""
    ordered = sorted(elements, key=lambda e: e.reading_order)
    rendered: dict[str, str] = {}
    for fmt in formats:
        if fmt == "MARKDOWN":
            rendered["markdown"] = "\n\n".join(element_markdown(e) for e in ordered)
        elif fmt == "HTML":
            rendered["html"] = "<html><body>" + "".join(element_html(e) for e in ordered) + "</body></html>"
        elif fmt == "PLAIN_TEXT":
            rendered["text"] = "\n\n".join(element_text(e) for e in ordered)
    return rendered
