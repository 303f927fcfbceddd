"""Markdown: the shortcut for one line of plain prose gives exactly what the converter gives."""

from __future__ import annotations

import random

import pytest

from sitegen import markup

SAMPLES = [
    "Öppet möte mellan föreningar.", "Hej (med parentes) och 50 % rabatt!", "Klockan 18.00–20.00 i Gävle.",
    "Det är 'citat' här", "Ja/Nej?", "Öl", "A", "1. Lista", "10) punkt", "Vi ses... snart", "a  b", "*fet*",
    "Se [länk](https://example.org)", "# Rubrik", "- punkt", "a -- b", "<b>x</b>", "A & B", "x_y_z", "Rad\nrad",
]


def _converted(text: str) -> str:
    converter = markup._converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    import nh3

    return nh3.clean(html, tags=markup._TAGS, attributes=markup._ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto", "tel"})


def _random_texts() -> list[str]:
    rng = random.Random(6)
    alphabet = list("abcåäöÅÄÖ XYZ019 ,.:;?!()/%'’–-*_#<>&\"[]`|~=+\\\n")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(3000)]


def test_plain_prose_shortcut_equals_the_converter():
    shortcut = [t for t in [*SAMPLES, *_random_texts()] if markup._is_plain_prose(t)]
    assert len(shortcut) > 100  # the shortcut is really taken
    for text in shortcut:
        assert markup.to_html(text) == _converted(text), text


@pytest.mark.parametrize("text", SAMPLES)
def test_every_text_renders_as_the_converter_renders_it(text):
    assert markup.to_html(text) == _converted(text)


@pytest.mark.parametrize("text", [
    "Mötet 10--12 mars --- välkommen!", "Vänta... och se . . . sedan", "`kod -- inte` men -- här", "a--b",
    "x...y", "<<citat>> och 'enkla' och \"dubbla\"", "```\n-- i kod...\n```\n", "Pris 10-20 kr", "- lista\n- två -- tre",
    "| a | b |\n|---|---|\n| 1--2 | 3 |\n", "## Rubrik -- med streck\n\nText.", "Vanlig text utan något särskilt.",
    "[länk](https://example.org/a--b...c) och <https://example.org/x--y>",
])
def test_smarty_only_on_texts_it_can_change_gives_the_same_html(text: str) -> None:
    """SmartyPants (dashes and ellipses) runs only on texts with -- or ...; every text reads as with it always on."""
    always = markup._converter(True)
    try:
        expected = always.convert(text)
    finally:
        always.reset()
    assert markup._markdown(text) == expected
    if "--" in text or "..." in text or ". . ." in text:
        assert "&ndash;" in expected or "&mdash;" in expected or "&hellip;" in expected or "<code>" in expected or "href" in expected

