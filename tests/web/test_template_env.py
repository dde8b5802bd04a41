"""The web's Jinja environment reads `row.key` of a dict as the key first (no AttributeError raised and caught
per cell) and escapes `{{ value }}` to a plain str (no Markup object per cell): every expression renders
exactly as stock Jinja renders it — keys, dict methods such as `items` and `get` (even when a key has that
name), missing names, attributes of other objects, and any value escaped, marked safe, in a macro, a set
block or an `autoescape` block."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import markupsafe
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.web import render
from gaoxin.web.render import templates

NAMES = st.sampled_from(["name", "score", "items", "get", "keys", "values", "copy", "missing", "town"])
ROWS = st.dictionaries(NAMES, st.integers(-5, 5) | st.text(max_size=3), max_size=6)
EXPRESSIONS = [
    "{{ row.%s }}",
    "{{ row.%s is defined }}",
    "{{ row.%s or '—' }}",
    "{% if row.%s is callable %}method{% endif %}",
]
stock = jinja2.Environment(autoescape=True)


@given(row=ROWS, name=NAMES, which=st.sampled_from(EXPRESSIONS))
def test_dict_rows_render_as_stock_jinja_renders_them(row, name, which):
    source = which.replace("%s", name)
    assert templates.env.from_string(source).render(row=row) == stock.from_string(source).render(row=row)


def test_methods_and_objects_are_read_as_before():
    row = {"items": 3, "name": "甲公司"}
    source = (
        "{{ row.name }} {{ row['items'] }} {% for k, v in row.items() %}{{ k }}={{ v }};{% endfor %}{{ o.x }}"
    )
    out = templates.env.from_string(source).render(row=row, o=SimpleNamespace(x="属性"))
    assert out == "甲公司 3 items=3;name=甲公司;属性"


VALUES = (
    st.text()
    | st.text(alphabet="<>&'\"a企")
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.none()
    | st.text(alphabet="<b>&'").map(markupsafe.Markup)
)
OUTPUTS = [
    "{{ v }}",
    '<td title="{{ v }}">{{ v }}</td>',
    "{{ v|safe }}",
    "{{ v ~ '<' }}",
    "{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}{{ m(v) }}",
    "{% set s %}<b>{{ v }}</b>{% endset %}{{ s }}",
    "{% autoescape false %}{{ v }}{% endautoescape %}{{ v }}",
    "{% for x in [v, v] %}{{ x }}{{ loop.index }}{% endfor %}",
]


@given(v=VALUES, which=st.sampled_from(OUTPUTS))
def test_output_is_escaped_as_stock_jinja_escapes_it(v, which):
    assert templates.env.from_string(which).render(v=v) == stock.from_string(which).render(v=v)


@given(text=st.text() | st.text(alphabet="<>&'\"a"))
def test_text_escape_is_markupsafes(text):
    assert render.escape_output(text) == str(markupsafe.escape(text))
    assert type(render.escape_output(text)) is str
