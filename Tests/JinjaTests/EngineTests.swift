import Jinja
import Testing

/// Renders `source` with the variables the expression tables use.
func renderForTest(_ source: String) throws(JinjaError) -> String {
    try Template(source).render(EngineTests.context, now: DateTime(year: 2024, month: 7, day: 26, hour: 10, minute: 30))
}

@Suite struct EngineTests {
    static let context: [String: Value] = [
        "s": "  Hello World  ", "n": 7, "f": 2.5, "l": [3, 1, 2], "d": ["b": 1, "a": [1, "x", nil, true]],
        "msgs": [
            ["role": "user", "content": "hi"], ["role": "assistant", "content": "yo <b>"], ["role": "user", "content": "ok"],
        ],
        "u": "naïve café 東京 🚀", "t": true, "none": nil, "e": "", "q": "it's \"q\"\n\ttab\\",
    ]

    /// Templates and what Python jinja2 3.1.6 (set up as transformers sets it up) rendered for
    /// them with ``context``: expressions, filters, tests, loops, macros and whitespace control.
    static let jinja2Renders: [(String, String)] = [
        ("{{ 1 + 2 * 3 }}|{{ (1 + 2) * 3 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 % 3 }}|{{ -7 % 3 }}|{{ 2 ** 10 }}|{{ 2 ** -1 }}|{{ 7 / 2 }}|{{ 6 / 2 }}", "7|9|3|-4|1|2|1024|0.5|3.5|3.0"),
        ("{{ 1.5 + 1 }}|{{ 0.1 + 0.2 }}|{{ 1e20 }}|{{ 1e-5 }}|{{ 3.0 }}|{{ -0.0 }}|{{ 10 ** 16 * 1.0 }}", "2.5|0.30000000000000004|1e+20|1e-05|3.0|-0.0|1e+16"),
        ("{{ 'a' ~ 1 ~ none ~ true }}|{{ 'ab' * 3 }}|{{ [1] * 3 }}|{{ 'x' + 'y' }}|{{ [1] + [2] }}", "a1NoneTrue|ababab|[1, 1, 1]|xy|[1, 2]"),
        ("{{ 1 < 2 < 3 }}|{{ 3 > 2 > 2 }}|{{ 1 == 1.0 }}|{{ true == 1 }}|{{ 'a' < 'b' }}|{{ [1, 2] < [1, 3] }}|{{ 'a' != 'a' }}", "True|False|True|True|True|True|False"),
        ("{{ 'a' in 'cat' }}|{{ 2 in l }}|{{ 'b' in d }}|{{ 'z' not in d }}|{{ 5 not in l }}|{{ 'x' in undefined_thing }}", "True|True|True|True|True|False"),
        ("{{ not t }}|{{ t and 'yes' }}|{{ e or 'fallback' }}|{{ none or 0 }}|{{ 'a' if t else 'b' }}|{{ 'a' if none }}|{{ 'a' if e else 'b' if t else 'c' }}", "False|yes|fallback|0|a||b"),
        ("{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ s.split() }}|{{ 'a,b,,c'.split(',') }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}", "Hello World|Hello World  |  Hello World|hi|['Hello', 'World']|['a', 'b', '', 'c']|['a', 'b c']|['a,b', 'c']"),
        ("{{ s.upper() }}|{{ s.lower() }}|{{ \"hello world's\".title() }}|{{ 'hELLO'.capitalize() }}|{{ s.startswith('  He') }}|{{ s.endswith(('x', '  ')) }}|{{ 'aaa'.replace('a', 'b', 2) }}", "  HELLO WORLD  |  hello world  |Hello World'S|Hello|True|True|bba"),
        ("{{ 'abc'.find('c') }}|{{ 'abc'.find('z') }}|{{ 'a-b-c'.count('-') }}|{{ '-'.join(['a', 'b']) }}|{{ '{} and {}'.format(1, 'x') }}|{{ '{0}{0}'.format('ab') }}|{{ '{name}!'.format(name='Bob') }}", "2|-1|2|a-b|1 and x|abab|Bob!"),
        ("{{ u[0] }}|{{ u[-1] }}|{{ u[1:4] }}|{{ u[::-1] }}|{{ l[::-1] }}|{{ l[1:] }}|{{ l[:-1] }}|{{ l[::2] }}|{{ l[5] }}|{{ u|length }}|{{ 'abcdef'[-3:] }}|{{ l[-10:10] }}", "n|🚀|aïv|🚀 京東 éfac evïan|[2, 1, 3]|[1, 2]|[3, 1]|[3, 2]||15|def|[3, 1, 2]"),
        ("{{ d.a }}|{{ d['b'] }}|{{ d.zz }}|{{ d.a[1] }}|{{ d.a.1 }}|{{ msgs[0].role }}|{{ msgs[-1]['content'] }}|{{ d.get('b') }}|{{ d.get('zz', 'dflt') }}|{{ d.get('zz') }}", "[1, 'x', None, True]|1||x|x|user|ok|1|dflt|None"),
        ("{{ l|length }}|{{ l|count }}|{{ l|first }}|{{ l|last }}|{{ l|sort }}|{{ l|sort(reverse=true) }}|{{ l|reverse|list }}|{{ l|join(', ') }}|{{ l|sum }}|{{ l|min }}|{{ l|max }}", "3|3|3|2|[1, 2, 3]|[3, 2, 1]|[2, 1, 3]|3, 1, 2|6|1|3"),
        ("{{ s|trim }}|{{ s|upper }}|{{ s|lower }}|{{ s|title }}|{{ 'hello-world (foo)'|title }}|{{ s|capitalize }}|{{ s|replace('l', 'L') }}|{{ s|wordcount }}|{{ '<a href=\"x\">&\\''|e }}", "Hello World|  HELLO WORLD  |  hello world  |  Hello World  |Hello-World (Foo)|  hello world  |  HeLLo WorLd  |2|&lt;a href=&#34;x&#34;&gt;&amp;&#39;"),
        ("{{ undefined_thing|default('d') }}|{{ e|default('d') }}|{{ e|default('d', true) }}|{{ none|default('d') }}|{{ undefined_thing|d('x') }}", "d||d|None|x"),
        ("{{ '42'|int }}|{{ '4.7'|int }}|{{ 'x'|int }}|{{ 'x'|int(5) }}|{{ 3.9|int }}|{{ '3.5'|float }}|{{ 3|float }}|{{ 2.567|round(2) }}|{{ 2.5|round }}|{{ 3.5|round }}|{{ -3|abs }}|{{ 2.4|round(0, 'ceil') }}", "42|4|0|5|3|3.5|3.0|2.57|2.0|4.0|3|3.0"),
        ("{{ d|tojson }}|{{ d|tojson(indent=2) }}|{{ u|tojson }}|{{ u|tojson(ensure_ascii=true) }}|{{ q|tojson }}|{{ [1.0, 2.5, none, true]|tojson }}|{{ {}|tojson }}|{{ []|tojson(indent=4) }}|{{ d|tojson(separators=(',', ':')) }}|{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}", "{\"b\": 1, \"a\": [1, \"x\", null, true]}|{\n  \"b\": 1,\n  \"a\": [\n    1,\n    \"x\",\n    null,\n    true\n  ]\n}|\"naïve café 東京 🚀\"|\"na\\u00efve caf\\u00e9 \\u6771\\u4eac \\ud83d\\ude80\"|\"it's \\\"q\\\"\\n\\ttab\\\\\"|[1.0, 2.5, null, true]|{}|[]|{\"b\":1,\"a\":[1,\"x\",null,true]}|{\"a\": 2, \"b\": 1}"),
        ("{{ msgs|map(attribute='role')|list }}|{{ msgs|map(attribute='role')|join(',') }}|{{ ['a', 'b']|map('upper')|list }}|{{ msgs|selectattr('role', 'equalto', 'user')|list|length }}|{{ msgs|rejectattr('role', 'equalto', 'user')|map(attribute='content')|first }}", "['user', 'assistant', 'user']|user,assistant,user|['A', 'B']|2|yo <b>"),
        ("{{ [0, 1, 2, none, '']|select|list }}|{{ [1, 2, 3, 4]|select('odd')|list }}|{{ [1, 2, 3, 4]|reject('even')|list }}|{{ msgs|selectattr('content')|list|length }}|{{ ['a', 'b']|select('in', ['a'])|list }}", "[1, 2]|[1, 3]|[1, 3]|3|['a']"),
        ("{{ 'a\nb\n\nc'|indent(2) }}|{{ 'a\nb'|indent(2, true) }}|{{ 'a\n\nb'|indent(2, blank=true) }}|{{ 'x\ny'|indent('> ') }}", "a\n  b\n\n  c|  a\n  b|a\n  \n  b|x\n> y"),
        ("{{ undefined_thing is defined }}|{{ n is defined }}|{{ none is none }}|{{ n is number }}|{{ f is float }}|{{ n is integer }}|{{ t is integer }}|{{ t is number }}|{{ s is string }}|{{ d is mapping }}|{{ l is iterable }}|{{ s is iterable }}|{{ n is iterable }}|{{ l is sequence }}", "False|True|True|True|True|True|False|True|True|True|True|True|False|True"),
        ("{{ t is boolean }}|{{ t is true }}|{{ 1 is true }}|{{ false is false }}|{{ 3 is odd }}|{{ 4 is even }}|{{ 9 is divisibleby 3 }}|{{ 9 is divisibleby(4) }}|{{ 'a' is eq 'a' }}|{{ 2 is gt 1 }}|{{ 'a' is in 'abc' }}|{{ none is not none }}|{{ undefined_thing is undefined }}|{{ 'abc' is lower }}", "True|True|False|True|True|True|True|False|True|True|True|False|True|True"),
        ("{% for m in msgs %}{{ loop.index }}/{{ loop.length }}{{ '.' if loop.first }}{{ '!' if loop.last }}{{ loop.revindex0 }}{% endfor %}", "1/3.22/313/3!0"),
        ("{% for m in msgs %}{% if loop.previtem is defined %}{{ loop.previtem.role }}>{% endif %}{{ m.role }}{% if loop.nextitem is defined %}<{{ loop.nextitem.role }}{% endif %};{% endfor %}", "user<assistant;user>assistant<user;assistant>user;"),
        ("{% for m in msgs if m.role == 'user' %}{{ loop.index0 }}{{ m.content }}{% endfor %}|{% for x in [] %}no{% else %}empty{% endfor %}|{% for x in l %}{% if x == 1 %}{% break %}{% endif %}{{ x }}{% endfor %}|{% for x in l %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}", "0hi1ok|empty|3|32"),
        ("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}|{% for x in range(3) %}{{ x }}{% endfor %}|{% for x in range(1, 10, 3) %}{{ x }}{% endfor %}|{% for x in range(5, 0, -2) %}{{ x }}{% endfor %}|{{ range(3)|list }}", "37|012|147|531|[0, 1, 2]"),
        ("{% for x in l %}{{ loop.cycle('a', 'b') }}{% endfor %}|{% for x in [1,2] %}{% for y in [3,4] %}{{ x }}{{ y }}{{ loop.index }} {% endfor %}{% endfor %}", "aba|131 142 231 242 "),
        ("{% set x = 5 %}{{ x }}|{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% set ns = namespace(c=0) %}{% for m in msgs %}{% set ns.c = ns.c + 1 %}{% endfor %}{{ ns.c }}|{% set y = 1 %}{% for m in msgs %}{% set y = 2 %}{% endfor %}{{ y }}", "5|12|3|1"),
        ("{% set blk %}inside {{ n }}{% endset %}[{{ blk }}]|{% set up | upper %}shout{% endset %}{{ up }}|{% filter upper %}abc{% endfilter %}", "[inside 7]|SHOUT|ABC"),
        ("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }}|{{ greet('B', '?') }}|{{ greet(name='C') }}|{{ greet(punct='.', name='D') }}", "Hi A!|Hi B?|Hi C!|Hi D."),
        ("{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}inner {{ n }}{% endcall %}|{% macro rec(k) %}{{ k }}{% if k > 0 %}{{ rec(k - 1) }}{% endif %}{% endmacro %}{{ rec(3) }}", "<inner 7>|3210"),
        ("{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}|{% if none %}a{% elif e %}b{% else %}c{% endif %}|{% if undefined_thing %}x{% endif %}", "big|c|"),
        ("a\n  {% if t %}\n  b\n  {% endif %}\nc\n", "a\n  b\nc"),
        ("a\n  {%- if t %}\n  b\n  {%+ endif %}\nc\n{{ n }}  \n  {{- n -}}  \n  d", "a  b\n  c\n77d"),
        ("{# comment #}\nx {#- c -#} y\n   {# indented #}\nz", "xy\nz"),
        ("line1\n    {% for x in l %}\n    - {{ x }}\n    {% endfor %}\nend", "line1\n    - 3\n    - 1\n    - 2\nend"),
        ("{% for x in l -%}\n  {{ x }}\n{%- endfor %}", "312"),
        ("{{ none.attr }}|{{ none[0] }}|{{ n.attr }}", "||"),
        ("{{ d['a'][9] }}|{{ 'abc'.foo }}", "|"),
        ("{{ l|sum(start=10) }}|{{ [[1], [2]]|sum(start=[]) }}", "16|[1, 2]"),
        ("{{ '%s-%d' % ('a', 3) }}|{{ '%.2f' % 3.14159 }}|{{ '%s'|format(1) }}", "a-3|3.14|1"),
        ("{{ 'x'|center(5) }}|{{ 'ab'.zfill(5) }}|{{ 'A'.ljust(3) }}.|{{ 'Ab'.swapcase() }}", "  x  |000ab|A  .|aB"),
        ("{{ \"a\" \"b\" }}|{{ 'tab\\there' }}|{{ '\\u00e9\\x41' }}|{{ \"it's\" }}|{{ [\"it's\", 'say \"x\"', 'both \\' \"'] }}", "ab|tab\there|éA|it's|[\"it's\", 'say \"x\"', 'both \\' \"']"),
        ("{{ 'abc'|first }}|{{ []|first }}|{{ 'x'.join('abc') }}|{{ 'abc'.index('b') }}", "a||axbxc|1"),
        ("{{ d.a|length }}|{{ d|length }}|{{ undefined_thing|length }}|{{ undefined_thing|list }}|{{ undefined_thing|join }}|{{ undefined_thing|upper }}", "4|2|0|[]||"),
        ("{{ 'a' ~ undefined_thing ~ 'b' }}|{{ undefined_thing is none }}|{{ undefined_thing == undefined_thing }}|{{ undefined_thing|string }}|{{ undefined_thing|trim }}", "ab|False|True||"),
        ("{{ n - 10 }}|{{ -n }}|{{ +n }}|{{ - - n }}|{{ -n|abs }}|{{ not none is none }}|{{ 2 * -3 }}", "-3|-7|7|7|7|False|-6"),
        ("{{ [1, [2, {'k': 'v'}]] }}|{{ {'k': [1, 'x']} }}|{{ 1.0 == 1 }}|{{ {'a': 1} == {'a': 1} }}|{{ [1] == [1.0] }}", "[1, [2, {'k': 'v'}]]|{'k': [1, 'x']}|True|True|True"),
        ("{{ d.a|tojson(indent=2) }}|{{ {'x': {'y': []}}|tojson(indent=2) }}", "[\n  1,\n  \"x\",\n  null,\n  true\n]|{\n  \"x\": {\n    \"y\": []\n  }\n}"),
        ("{{ \"x\"|safe + \"<y>\" }}|{{ \"<y>\" + \"x\"|safe }}|{{ \"<x>\"|e + \"<y>\" }}", "x&lt;y&gt;|&lt;y&gt;x|&lt;x&gt;&lt;y&gt;"),
        ("{{ 'Hello' is string and 'Hello'|length > 3 }}|{{ n is not string }}|{{ l is not mapping }}", "True|True|True"),
        ("{{ msgs|length > 2 and msgs[0].role == 'user' }}|{{ msgs[0]['role'] | upper }}", "True|USER"),
        ("{{ l[0:1] + l[2:] }}|{{ 'abc'[1:] ~ 'abc'[:1] }}|{{ ns is defined }}", "[3, 2]|bca|False"),
        ("{% set ns = namespace(items=[]) %}{% set ns.items = ns.items + [1] %}{{ ns.items }}|{% set ns2 = namespace({'a': 3}) %}{{ ns2.a }}", "[1]|3"),
        ("{{ dict(a=1, b='x') }}|{{ namespace(z=1).z }}|{{ range(0)|list }}|{{ range(3)|length }}", "{'a': 1, 'b': 'x'}|1|[]|3"),
        ("{{ [3, 1, 2]|sort|first }}|{{ msgs|sort(attribute='role')|map(attribute='content')|join }}|{{ ['b', 'A', 'c']|sort }}|{{ ['b', 'A', 'c']|sort(case_sensitive=true) }}", "1|yo <b>hiok|['A', 'b', 'c']|['A', 'b', 'c']"),
        ("{{ \"  x  \"|trim('x ') }}|{{ 'abc'|reverse }}|{{ [1, 2]|reverse|list }}", "|cba|[2, 1]"),
        ("  {% if t %}x{% endif %}  \n  y", "x  \n  y"),
        ("a {% if t %}x{% endif %}\nb", "a xb"),
        ("{% if t %}\n{% endif %}\n\n{% if t %}x{% endif %}", "\nx"),
        ("   {%+ if t %}x{% endif +%}\nq", "   x\nq"),
        ("{{ n }}\n{{ n }}\n", "7\n7"),
        ("\\t{# c #}\nz", "\\tz"),
        ("x\n\\t  {%- set a = 1 %}\n  y {{- ' ' -}} z", "x\n\\t  y z"),
        ("{%- for m in msgs -%}\n  {{- m.role }}:{{ m.content }}\n{% endfor -%}\n!", "user:hi\nassistant:yo <b>\nuser:ok\n!"),
        ("{% for m in msgs %}\n{{ m.role }}\n{% endfor %}\n", "user\nassistant\nuser\n"),
        ("{%- if true -%}\n\n  a  \n\n{%- endif -%}\n", "a"),
        ("{% macro f(x) -%}\n  [{{ x }}]\n{%- endmacro %}\n{{ f(1) }}{{ f(2) }}", "[1][2]"),
        ("{{ n is divisibleby 7 and not n is even }}|{{ not n is even }}|{{ n is not even }}|{{ 'a' ~ 'b' is string }}", "True|True|True|aTrue"),
        ("{{ msgs | selectattr('role', 'eq', 'user') | map(attribute='content') | join('+') }}|{{ msgs|map(attribute='missing', default='?')|join }}", "hi+ok|???"),
        ("{% set x = [1, 2, 3] %}{{ x[1:] | join(',') }}|{{ x | select('gt', 1) | list }}|{{ x|map('string')|join }}|{{ x|map('int')|sum }}", "2,3|[2, 3]|123|6"),
        ("{{ 'A,B'.split(',')|map('lower')|list }}|{{ 'a b'.split(' ')[-1] }}|{{ 'x'.split('x') }}|{{ ''.split() }}|{{ '  a  b '.split() }}|{{ 'a\\nb\\r\\nc'.splitlines() }}", "['a', 'b']|b|['', '']|[]|['a', 'b']|['a', 'b', 'c']"),
        ("{{ '<think>x</think>rest'.split('</think>')[-1].lstrip('\\n') }}|{{ 'abc'.startswith('') }}|{{ 'abc'.endswith('bc') }}", "rest|True|True"),
        ("{{ loop }}|{{ range(2, 5)|list }}|{{ range(10)[2:4]|list }}", "|[2, 3, 4]|[2, 3]"),
        ("{% for i in range(3) %}{% set z = i %}{{ z }}{% endfor %}{{ z }}", "012"),
        ("{% set ns = namespace(found=false) %}{% for m in msgs %}{% if m.role == 'assistant' %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}", "True"),
        ("{{ d.a|select('string')|list }}|{{ d.a|reject('none')|list }}|{{ [none, 1]|select('none')|list }}", "['x']|[1, 'x', True]|[None]"),
        ("{{ \"%s\"|format(d) }}|{{ d|string }}|{{ l|string|length }}", "{'b': 1, 'a': [1, 'x', None, True]}|{'b': 1, 'a': [1, 'x', None, True]}|9"),
        ("{{ 'ß'|upper }}|{{ 'İ'|lower|length }}|{{ 'ǆ'.title() }}", "SS|2|ǅ"),
        ("{{ 5 // 2.0 }}|{{ -5 % 2.5 }}|{{ 2 ** 0.5 }}|{{ 1 / 3 }}|{{ 100000000000000000.0 }}|{{ 123456789.123 }}|{{ 1e16 }}|{{ 9999999999999998.0 }}|{{ 0.0001 }}", "2.0|0.0|1.4142135623730951|0.3333333333333333|1e+17|123456789.123|1e+16|9999999999999998.0|0.0001"),
        ("{{ d | tojson(indent=none) }}|{{ 'é'|tojson(ensure_ascii=false) }}|{{ '🚀'|tojson(ensure_ascii=True) }}|{{ '\\x01\\x7f'|tojson }}|{{ 1e100|tojson }}|{{ 3|tojson }}|{{ [1,[2]]|tojson(indent='\\t') }}", "{\"b\": 1, \"a\": [1, \"x\", null, true]}|\"é\"|\"\\ud83d\\ude80\"|\"\\u0001\u{7f}\"|1e+100|3|[\n\t1,\n\t[\n\t\t2\n\t]\n]"),
        ("{{ msgs[0] | tojson }}|{{ {'a': 1}|tojson(indent=2, separators=(',', ': ')) }}", "{\"role\": \"user\", \"content\": \"hi\"}|{\n  \"a\": 1\n}"),
        ("{{ x }}{% set x = 3 %}{{ x }}", "3"),
        ("{% macro m() %}{{ top }}{% endmacro %}{% set top = 'T' %}{{ m() }}", "T"),
        ("{{ ''|first }}|{{ none|default('n') }}|{{ 0|default(5, true) }}", "|None|5"),
        ("{% if msgs[0].content is string and msgs[0].content|length > 0 %}ok{% endif %}", "ok"),
        ("{{ msgs|length is even }}|{{ (msgs|length) is odd }}", "False|True"),
        ("{{ 5 // 2.0 }}|{{ -5 % 2.5 }}|{{ 5 % -2.5 }}|{{ 100000000000000000.0 }}|{{ 1e16 }}|{{ 9999999999999998.0 }}|{{ 0.0001 }}|{{ 0.00001234 }}|{{ 5e-324 }}|{{ 1.7976931348623157e308 }}|{{ -1.5 }}|{{ -0.0 }}|{{ 123456789012345.6 }}|{{ 1e15 }}|{{ 12.0 }}|{{ 0.1 }}", "2.0|0.0|-0.0|1e+17|1e+16|9999999999999998.0|0.0001|1.234e-05|5e-324|1.7976931348623157e+308|-1.5|-0.0|123456789012345.6|1000000000000000.0|12.0|0.1"),
        ("{{ [1e16, 2.5e-5]|tojson }}", "[1e+16, 2.5e-05]"),
        ("{% raw %}{{ not rendered }} {% if %}{% endraw %}|after", "{{ not rendered }} {% if %}|after"),
        ("a\n{% raw %}\n  {{ x }}\n{% endraw %}\nb", "a\n\n  {{ x }}\nb"),
        ("a {%- raw -%}  {{ x }}  {%- endraw -%}  b", "a{{ x }}b"),
        ("x\n  {% raw %}y{% endraw %}\nz", "x\nyz"),
        ("a\n{% raw -%}\n  {{ x }}\n  {%- endraw +%}\nb", "a\n{{ x }}\nb"),
        ("{{ 0.5 is odd }}|{{ 3.0 is odd }}|{{ 4.0 is even }}|{{ 7.5 is divisibleby 2.5 }}|{{ 10|round }}|{{ 10|round(0, 'floor') }}|{{ '1,2' is upper }}|{{ 'A1' is upper }}|{{ 'ab' is lower }}", "False|True|True|True|10|10.0|False|True|True"),
        ("{{ [1, 2, 3, 4, 5]|batch(2)|list }}|{{ [1, 2, 3]|batch(2, 'x')|list }}", "[[1, 2], [3, 4], [5]]|[[1, 2], [3, 'x']]"),
    ]

    /// Templates for which jinja2 raised: type errors, undefined values used, the sandbox.
    static let jinja2Errors: [String] = [
        "{{ 'a' + 1 }}",
        "{{ undefined_thing.attr }}",
        "{{ undefined_thing + 1 }}",
        "{{ l.append(4) }}",
        "{{ raise_exception('boom') }}",
        "{{ undefined_thing|tojson }}",
        "{{ 1 / 0 }}",
        "{% for x in n %}{% endfor %}",
        "{{ [1, 'a']|sort }}",
        "{{ 'a' < 1 }}",
        "{% raw_not_a_tag %}",
        "{{ 'a' if t else 'b' | upper }}|{{ ('a' if t else 'b') | upper }}|{{ 1 + 2 | string }}|{{ -2 ** 2 }}|{{ 2 ** 3 ** 2 }}|{{ 'x' ~ 1 + 2 }}",
        "{% raw %}never closed",
        "{{ undefined_thing|int }}",
        "{{ undefined_thing|float }}",
        "{{ t[::-1] }}",
    ]

    @Test(arguments: jinja2Renders) func rendersAsJinja2(_ source: String, _ expected: String) throws {
        #expect(try renderForTest(source) == expected)
    }

    @Test(arguments: jinja2Errors) func raisesWhereJinja2Raises(_ source: String) {
        #expect(throws: JinjaError.self) { try renderForTest(source) }
    }

    @Test func raiseExceptionCarriesTheTemplatesMessage() {
        let template = "{% if messages[0].role != 'user' %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        #expect(throws: JinjaError.raised("Conversation roles must alternate user/assistant/user/assistant/...")) {
            try Template(template).render(["messages": [["role": "assistant", "content": "x"]]])
        }
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(throws: JinjaError.syntax(message: "unexpected '}}' in an expression", line: 3, column: 8)) {
            try Template("line one\nline two\nbad {{ }}")
        }
        #expect(throws: JinjaError.syntax(message: "unknown tag 'endfor'", line: 2, column: 4)) {
            try Template("{% if x %}\n{% endfor %}")
        }
        do {
            _ = try Template("ok\n{% for x in y %}\n{{ x }}")
            Issue.record("an unterminated for loop compiled")
        } catch {
            guard case .syntax(let message, let line, let column) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("'for'") && message.contains("endfor"))
            #expect(line == 2 && column == 1)
        }
    }

    @Test func renderErrorsNameTheLine() {
        #expect(throws: JinjaError.type("can only concatenate str (not \"int\") to str (template line 3)")) {
            try Template("a\n{% for m in messages %}\n{{ m.content + 1 }}\n{% endfor %}").render(["messages": [["content": "x"]]])
        }
        #expect(throws: JinjaError.raised("bad role")) {
            try Template("\n{{ raise_exception('bad role') }}").render([:])
        }
    }

    @Test func aTemplateCompilesOnceAndRendersMany() throws {
        let template = try Template("{% for m in messages %}<{{ m.role }}>{{ m.content | trim }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}")
        #expect(try template.render(["messages": [["role": "user", "content": " a "]], "add_generation_prompt": true]) == "<user>a<assistant>")
        #expect(try template.render(["messages": [], "add_generation_prompt": false]) == "")
    }

    @Test func oneTrailingNewlineIsDroppedAndLineEndingsNormalized() throws {
        #expect(try Template("a\r\nb\n\n").render([:]) == "a\nb\n")
        #expect(try Template("x\n").render([:]) == "x")
    }

    @Test func generationBlocksRenderTheirBody() throws {
        #expect(try Template("{% generation %}{{ 'reply' }}{% endgeneration %}!").render([:]) == "reply!")
    }

    @Test func jsonKeepsKeyOrderAndNumberKinds() throws {
        let value = try Value(json: #"{"z": 1, "a": [1.5, "x\u00e9\n", null, true], "m": {}}"#)
        #expect(value.pythonRepr == "{'z': 1, 'a': [1.5, 'xé\\n', None, True], 'm': {}}")
        #expect(try Template("{{ v | tojson }}").render(["v": value]) == #"{"z": 1, "a": [1.5, "xé\n", null, true], "m": {}}"#)
        #expect(throws: JinjaError.self) { try Value(json: "{\"a\": }") }
    }

    @Test func strftimeNowFormatsTheGivenTime() throws {
        let now = DateTime(year: 2024, month: 7, day: 26, hour: 10, minute: 30)
        #expect(try Template("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%A %-d %B, %H:%M') }}").render([:], now: now)
            == "26 Jul 2024|Friday 26 July, 10:30")
    }

    @Test func pythonReprQuotesAsPythonDoes() {
        #expect(Value.string("it's").pythonRepr == "\"it's\"")
        #expect(Value.string("a'b\"c").pythonRepr == "'a\\'b\"c'")
        #expect(Value.string("\u{7}é\u{2028}").pythonRepr == "'\\x07é\\u2028'")
        #expect(Value.double(1e16).pythonRepr == "1e+16")
        #expect(Value.double(123.0).pythonRepr == "123.0")
    }
}
