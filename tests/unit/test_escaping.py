"""How a Block Kit template escapes: every value for where it lands, the template's own text as written."""
from __future__ import annotations

from messages import environment, render_template
from messages.limits import cut

TYPED = "<!here> *Pay* _roll_ `x` & co"


def rendered(source: str, **context) -> dict:
    return render_template(environment().from_string(source), **context)


def test_a_value_is_escaped_for_mrkdwn_and_shown_as_typed_in_plain_text():
    out = rendered('text: {{ name }}\nblocks:\n  - {type: header, text: {type: plain_text, text: {{ name }}}}\n'
                   '  - {type: section, text: {type: mrkdwn, text: "*{{ name }}*"}}', name=TYPED)
    assert out["text"] == "&lt;!here&gt; ∗Pay∗ ˍrollˍ ˋxˋ &amp; co"
    assert out["blocks"][0]["text"]["text"] == TYPED
    assert out["blocks"][1]["text"]["text"] == "*&lt;!here&gt; ∗Pay∗ ˍrollˍ ˋxˋ &amp; co*"  # our bold, their text


def test_inside_a_code_span_of_ours_a_value_stays_literal_and_copies_back():
    out = rendered('text: "See `/slm map {{ name }}` or *{{ name }}*"', name="*Pay*\nroll`")
    assert out["text"] == "See `/slm map *Pay* rollˋ` or *∗Pay∗\nrollˋ*"


def test_joins_keep_our_literals_and_escape_the_values():
    out = rendered('text: {{ ("*" ~ name ~ "* is " ~ (":ok: *done*" if done else "open"))|q }}', name="_x_", done=True)
    assert out["text"] == "*ˍxˍ* is :ok: *done*"


def test_ids_values_and_numbers_come_back_exactly():
    out = rendered('private_metadata: {{ meta }}\nvalue: {{ n }}\nflag: {{ on }}\nid: {{ (n ~ ":" ~ meta)|q }}',
                   meta='{"a": "<b> *c*"}', n=12, on=True)
    assert out == {"private_metadata": '{"a": "<b> *c*"}', "value": 12, "flag": True, "id": '12:{"a": "<b> *c*"}'}


def test_only_the_marked_filters_pass_mrkdwn():
    out = rendered('text: "{{ u|mention }} {{ c|channel }} {{ said|said }} <{{ link|url }}|{{ label }}> {{ ours|trusted }}"',
                   u="U1", c="C1", said="hi <@U222> *b*", link="https://x.example/?a=1&b=2", label="<l>", ours="*bold*")
    assert out["text"] == "<@U1> <#C1> hi <@U222> ∗b∗ <https://x.example/?a=1&amp;b=2|&lt;l&gt;> *bold*"


def test_a_template_compiled_during_one_render_fills_the_next_with_its_own_values():
    template = environment().from_string('text: {{ ("Hello " ~ name)|q }}\nx: {{ "const"|q }}')
    assert render_template(template, name="a")["text"] == "Hello a"
    assert render_template(template, name="b") == {"text": "Hello b", "x": "const"}


def test_invisible_characters_are_not_shown_but_kept_in_values():
    out = rendered('text: {{ v }}\nvalue: {{ v }}', v="a\x00b\u202ec")
    assert out == {"text": "abc", "value": "a\x00b\u202ec"}


def test_a_long_text_is_cut_visibly_without_breaking_an_escape_or_leaving_a_code_span_open():
    assert cut("abc &amp; def", 9) == "abc …"
    assert cut("see `/slm map " + "x" * 50 + "`", 20) == "see `/slm map xx…`"
    assert len(cut("y" * 4000, 3000)) <= 3000
    out = rendered('blocks:\n  - {type: header, text: {type: plain_text, text: {{ v }}}}', v="z" * 400)
    assert out["blocks"][0]["text"]["text"] == "z" * 146 + "…"


def test_a_literal_printed_on_its_own_is_escaped_like_a_value_never_html_escaped():
    out = rendered("text: {{ \"it's <b> & co\" }}\nblocks:\n  - {type: header, text: {type: plain_text, text: {{ \"it's\" }}}}")
    assert out["text"] == "it's &lt;b&gt; &amp; co" and out["blocks"][0]["text"]["text"] == "it's"
