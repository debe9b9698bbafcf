"""Rich text written by people outside the editorial team, cleaned on the way in.

A company's presentation is stored in Wagtail's rich-text format and shown with `|richtext` on the public
pages, so whatever a company, a contact or a student writes there is cleaned before it is stored: only the
markup a presentation needs survives (paragraphs, line breaks, bold and italic, lists, a few headings, links
to http, https or mailto addresses, marked `rel="noopener noreferrer nofollow"`); every other tag is
removed (scripts, styles, frames and their content with them), every other attribute is dropped. Plain
text (what the web forms' text areas send) becomes paragraphs, its special characters escaped.

Editors write in Wagtail's admin, whose editor keeps to the features of each field; their text is not
passed through here.
"""

import re

import nh3

# Control characters that pasted text may carry, except the line breaks and tabs a text keeps; PostgreSQL refuses
# NUL in text, and no person types the others.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_plain_text(text) -> str:
    """A free text (a message, a comment) as it is kept: its line ends normalised, without control characters and
    surrounding blanks. Shown escaped wherever it appears; its length is the caller's rule."""
    return CONTROL_CHARACTERS.sub("", str(text or "").replace("\r\n", "\n")).strip()


ALLOWED_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "h2", "h3", "h4", "a"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    # Removed with everything inside them, not only their tags.
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(LINK_SCHEMES),
    # Relative links would point into the portal from text its editors did not write.
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)

_BLOCK = re.compile(r"<(?:p|ul|ol|h[2-4])[\s>]")
_BLANK_LINE = re.compile(r"\n\s*\n")


def _paragraphs(html: str) -> str:
    """Clean markup without a block: a paragraph for each block of lines, a line break for each line end."""
    blocks = (block.strip() for block in _BLANK_LINE.split(html.replace("\r\n", "\n")))
    return "".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in blocks if block)


def clean_rich_text(text: str) -> str:
    """`text` as safe rich text: the allowed markup kept, everything else removed or escaped.

    Text without paragraphs (typed in a plain text area) gets them. Cleaning clean text changes nothing.
    """
    cleaned = _cleaner.clean(text or "").strip()
    if cleaned and not _BLOCK.search(cleaned):
        cleaned = _cleaner.clean(_paragraphs(cleaned)).strip()
    return cleaned
