"""The API's request parsers: what a body may hold before any view reads it.

- JSON nested at most `MAX_JSON_DEPTH` levels, refused before a single object is built (Python's parser
  would otherwise recurse until it fails), with finite numbers only (`1e999` is not infinity, `NaN` is no
  number);
- forms (urlencoded or multipart) in UTF-8 only, refused rather than read as Latin-1 or with replacement
  characters;
- no NUL character anywhere: PostgreSQL cannot store one in text, and no person types one.

Every refusal is a `ParseError` (400 in the API's error format); a body over Django's
`DATA_UPLOAD_MAX_MEMORY_SIZE` is refused before it is parsed (413, `api.errors`).
"""

import codecs
import math
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from portal.recruitment.uploads import MarkingDRFMultiPartParser

MAX_JSON_DEPTH = 32

NUL = "\x00"
# What Django puts in place of bytes that are not text in the declared encoding.
REPLACEMENT_CHARACTER = "\ufffd"
# A JSON string, escapes included (the unrolled form: linear, without backtracking).
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`, read without parsing it."""
    depth = 0
    for bracket in JSON_BRACKET.findall(JSON_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _finite_number(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(_("Numbers must be finite: %(number)s is out of range.") % {"number": text[:40]})
    return number


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not a number.") % {"name": name})


def _holds_nul(value) -> bool:
    """Whether a parsed body holds a NUL character in a key or a text (the depth is already bounded)."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _refuse_nul() -> ParseError:
    return ParseError(_("The request holds a NUL character."), code="nul_character")


def _require_utf8(parser_context) -> None:
    """Forms are read in UTF-8 (what browsers send); a form declared in another charset is refused."""
    declared = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        name = ""
    if name not in {"utf-8", "ascii"}:
        raise ParseError(_("Send the form encoded in UTF-8."), code="not_utf8")


def _check_form_text(data) -> None:
    """Refuse a parsed form with a NUL character or text that was not UTF-8 (replaced by Django)."""
    for key, values in data.lists():
        for text in (key, *(value for value in values if isinstance(value, str))):
            if NUL in text:
                raise _refuse_nul()
            if REPLACEMENT_CHARACTER in text:
                raise ParseError(_("The form is not valid UTF-8 text."), code="not_utf8")


class JSONParser(parsers.JSONParser):
    """JSON of bounded depth, finite numbers, no NUL character."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(_("The request body is not valid %(encoding)s text.") % {"encoding": encoding}) from error
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise ParseError(
                _("The JSON body nests arrays and objects deeper than %(depth)s levels.") % {"depth": MAX_JSON_DEPTH},
                code="too_deep",
            )
        try:
            data = parsers.json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_number)
        except ValueError as error:
            raise ParseError(_("JSON parse error: %(error)s") % {"error": error}) from error
        if _holds_nul(data):
            raise _refuse_nul()
        return data


class FormParser(parsers.FormParser):
    """An urlencoded form in UTF-8, its percent-escapes included, without NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        _require_utf8(parser_context)
        try:
            pairs = parse_qsl(
                stream.read().decode("utf-8"),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            )
        except UnicodeDecodeError as error:
            raise ParseError(_("The form is not valid UTF-8 text."), code="not_utf8") from error
        except ValueError as error:  # more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
            raise TooManyFieldsSent(str(error)) from error
        data = QueryDict(mutable=True)
        for key, value in pairs:
            data.appendlist(key, value)
        data._mutable = False
        _check_form_text(data)
        return data


class CheckedTextMixin:
    """For multipart parsers: the fields' text must have been UTF-8 and free of NUL characters."""

    def parse(self, stream, media_type=None, parser_context=None):
        _require_utf8(parser_context)
        parsed = super().parse(stream, media_type, parser_context)
        _check_form_text(parsed.data)
        return parsed


class MultiPartParser(CheckedTextMixin, parsers.MultiPartParser):
    pass


class DocumentsMultiPartParser(CheckedTextMixin, MarkingDRFMultiPartParser):
    """The students' uploads: file names that are not plain are marked (and refused), the fields checked."""
