"""Accessibility basics of the survey page in Chromium: names, groups, language, contrast."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.helpers import make_invitation

pytestmark = pytest.mark.browser

#: Controls without a non-empty accessible label, and question groups without a legend.
UNLABELLED = """() => {
    const name = el => {
        const byId = (el.getAttribute('aria-labelledby') || '').split(' ')
            .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent);
        const labels = [...(el.labels || [])].map(l => l.textContent);
        return [...byId, ...labels, el.getAttribute('aria-label') || ''].join(' ').trim();
    };
    const controls = [...document.querySelectorAll('input:not([type=hidden]), textarea, select')];
    const radios = controls.filter(el => el.type === 'radio');
    return {
        controls: controls.length,
        radios: radios.length,
        unlabelled: controls.filter(el => !name(el)).map(el => el.id || el.name),
        ungrouped: radios.filter(el => {
            const set = el.closest('fieldset');
            const legend = set && set.querySelector(':scope > legend');
            return !legend || !legend.textContent.trim();
        }).map(el => el.id),
    };
}"""

#: WCAG contrast of every visible piece of text against the background it is drawn on.
CONTRAST = """() => {
    const rgba = value => {
        const parts = value.match(/[\\d.]+/g).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const over = (top, below) => ({
        r: top.r * top.a + below.r * (1 - top.a),
        g: top.g * top.a + below.g * (1 - top.a),
        b: top.b * top.a + below.b * (1 - top.a),
        a: 1,
    });
    const backdrop = el => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const colour = rgba(getComputedStyle(e).backgroundColor);
            if (colour.a > 0) { layers.push(colour); }
            if (colour.a >= 1) { break; }
        }
        const white = {r: 255, g: 255, b: 255, a: 1};
        return layers.reverse().reduce((below, top) => over(top, below), white);
    };
    const luminance = c => {
        const channel = v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    };
    const ratio = (a, b) => {
        const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (hi + 0.05) / (lo + 0.05);
    };
    const texts = [...document.querySelectorAll('body *')].filter(el =>
        [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) &&
        el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible' &&
        !el.closest('.skip-link'));
    return texts.map(el => {
        const bg = backdrop(el);
        const fg = over(rgba(getComputedStyle(el).color), bg);
        return {text: el.textContent.trim().slice(0, 40), tag: el.tagName,
                ratio: Math.round(ratio(fg, bg) * 100) / 100};
    });
}"""


def assert_labelled_and_grouped(page: Any) -> None:
    found = page.evaluate(UNLABELLED)
    assert found["radios"] == 11 + 7 + 3
    assert found["controls"] == found["radios"] + 1
    assert found["unlabelled"] == []
    assert found["ungrouped"] == []


def assert_contrast(
    page: Any, *must_include: str, tags: frozenset[str] = frozenset({"H1", "LEGEND", "LABEL"})
) -> None:
    measured = page.evaluate(CONTRAST)
    seen = {item["tag"] for item in measured}
    assert tags | {"BUTTON", "A"} <= seen, seen
    for text in must_include:
        assert any(text in item["text"] for item in measured), (text, measured)
    low = [item for item in measured if item["ratio"] < 4.5]
    assert low == [], low


@pytest.mark.parametrize("locale", ["es", "en"])
def test_survey_page_is_labelled_grouped_in_its_language_and_readable(
    app: Flask, server_url: str, page: Any, locale: str
) -> None:
    page.goto(server_url + make_invitation(app, locale=locale).path + "?score=8")
    # The score form holds only hidden fields once the script has saved the score.
    page.wait_for_selector("#score-form[data-saved='1']", state="attached")

    assert page.get_attribute("html", "lang") == locale
    assert_labelled_and_grouped(page)
    for group in ("nps", "ces", "heard"):
        legend = page.locator(f"#q-{group} > legend").inner_text().strip()
        assert page.get_by_role("group", name=legend).count() == 1, legend
    assert page.get_by_role("radio", name="8", exact=True).first.is_checked()
    assert page.get_by_role("textbox").count() == 1

    # The checked box (white on blue) and the saved-score note are text too.
    page.locator("label[for='ces-5']").click()
    assert_contrast(page, "8", "6")


def test_page_without_javascript_and_other_language_is_readable_too(
    app: Flask, server_url: str, new_context: Any
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(server_url + make_invitation(app, locale="es").path + "?score=3&lang=en")

    assert page.get_attribute("html", "lang") == "en"
    # One path first: the plain "save my score" button (white on blue), then the survey.
    assert page.locator("#score-button").is_visible()
    assert_contrast(page, page.locator("#score-button").inner_text().strip(), tags=frozenset())
    page.locator("#score-button").click()
    page.wait_for_selector("#send-button")
    assert_labelled_and_grouped(page)
    assert_contrast(page, "3")
