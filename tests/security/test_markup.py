"""The sanitiser of rich text written outside the editorial team: what it keeps, what it removes."""

import pytest
from wagtail.rich_text import expand_db_html

from portal.markup import clean_rich_text
from tests.security.payloads import PAYLOADS, executable_markup


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_the_sanitiser_and_the_filter_that_renders_it(payload):
    # Given a payload on its own, when it is cleaned and shown as the public pages show it (`|richtext`)
    shown = expand_db_html(clean_rich_text(payload))

    # Then nothing in it can run
    assert executable_markup(shown) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cleaning_clean_text_changes_nothing(payload):
    cleaned = clean_rich_text(payload)

    assert clean_rich_text(cleaned) == cleaned


def test_the_markup_of_a_presentation_is_kept():
    text = (
        "<h2>Qui sommes-nous ?</h2><p>Une <b>start-up</b> en <i>e-santé</i>, <strong>fière</strong> de son "
        "<em>équipe</em>.<br>Depuis 2019.</p><h3>Nos métiers</h3><ul><li>Logiciels</li></ul>"
        "<ol><li>Données</li></ol><h4>Contact</h4>"
    )

    assert clean_rich_text(text) == text


def test_links_keep_http_https_and_mailto_addresses_and_open_nothing_back():
    text = '<p><a href="https://talos.example/">site</a> <a href="mailto:rh@talos.example">RH</a></p>'

    assert clean_rich_text(text) == (
        '<p><a href="https://talos.example/" rel="noopener noreferrer nofollow">site</a> '
        '<a href="mailto:rh@talos.example" rel="noopener noreferrer nofollow">RH</a></p>'
    )


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "data:text/html,x", "ftp://talos.example/", "/admin/", "//evil.example/", "#top", "x"],
)
def test_a_link_to_anything_else_loses_its_address(href):
    assert clean_rich_text(f'<p><a href="{href}">lien</a></p>') == (
        '<p><a rel="noopener noreferrer nofollow">lien</a></p>'
    )


def test_attributes_other_than_a_link_address_are_dropped():
    text = '<p class="x" id="y" style="color:red" data-x="1"><a href="https://a.example/" target="_blank">a</a></p>'

    assert clean_rich_text(text) == '<p><a href="https://a.example/" rel="noopener noreferrer nofollow">a</a></p>'


def test_wagtail_internal_links_and_embeds_are_not_for_companies():
    text = '<p><a linktype="page" id="3">accueil</a></p><embed embedtype="image" id="1" format="left"/>'

    assert clean_rich_text(text) == '<p><a rel="noopener noreferrer nofollow">accueil</a></p>'


def test_scripts_styles_and_frames_go_with_their_content():
    text = "<p>avant</p><script>alert(1)</script><style>p{}</style><iframe>cadre</iframe><p>après</p>"

    assert clean_rich_text(text) == "<p>avant</p><p>après</p>"


def test_plain_text_becomes_paragraphs_with_its_special_characters_escaped():
    text = "Tom & Jerry, 3 < 4\r\n\r\nDeuxième paragraphe\nsur deux lignes"

    assert clean_rich_text(text) == ("<p>Tom &amp; Jerry, 3 &lt; 4</p><p>Deuxième paragraphe<br>sur deux lignes</p>")


def test_unclosed_markup_is_closed():
    assert clean_rich_text("<p>texte <b>gras <i>italique") == "<p>texte <b>gras <i>italique</i></b></p>"


@pytest.mark.parametrize("empty", ["", "   ", None, "<script>alert(1)</script>"])
def test_nothing_left_is_an_empty_description(empty):
    assert clean_rich_text(empty) == ""
