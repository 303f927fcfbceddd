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
