"""The contact sheet: every exercise figure on one page in Chromium, kept as docs/figures/contact-sheet.png.

People check the drawings by looking at the sheet (STYLE.md lesson 11); this test keeps it current (the file is
rewritten only when the picture changes) and checks in the browser that every drawing stays inside its box.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import escape
from playwright.sync_api import Page

from planner.figures import figure_svg, pose_for
from planner.knowledge import default_knowledge
from tests.browser.conftest import ROOT

pytestmark = pytest.mark.browser

SHEET = ROOT / "docs" / "figures" / "contact-sheet.png"
CSS = """body { margin: 0; padding: 12px; font: 13px/1.3 system-ui, sans-serif; color: #1d2327; background: #fff;
  display: grid; grid-template-columns: repeat(4, 372px); gap: 8px; width: 1536px; }
figure { margin: 0; border: 1px solid #d5dbdf; border-radius: 6px; padding: 4px 6px; }
figcaption { font-weight: 600; } figcaption small { font-weight: 400; color: #4f5b62; }
svg { height: auto; display: block; } .p2 svg { width: 360px; }
.p3 { grid-column: span 2; } .p3 svg { width: 572px; }"""

IN_BOX = """() => [...document.querySelectorAll('svg')].filter(svg => {
  const b = svg.getBBox(), v = svg.viewBox.baseVal;
  return b.width === 0 || b.x < v.x - 0.5 || b.y < v.y - 0.5 || b.x + b.width > v.x + v.width + 0.5
    || b.y + b.height > v.y + v.height + 0.5;
}).map(svg => svg.closest('figure').id)"""


def _sheet_html() -> str:
    # one scale for all: a three-position figure spans two columns
    cards = [f'<figure id="{e.id}" class="p{len(pose_for(e.id).position)}"><figcaption>{escape(e.name)} '
             f"<small>{e.id}</small></figcaption>{figure_svg(e.id)}</figure>"
             for e in default_knowledge().catalogue.exercises]
    return f"<!doctype html><html><head><style>{CSS}</style></head><body>{''.join(cards)}</body></html>"


def _keep(path: Path, png: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


def test_the_contact_sheet_shows_every_figure_inside_its_box_and_is_up_to_date(page: Page) -> None:
    page.set_viewport_size({"width": 1560, "height": 900})
    page.set_content(_sheet_html())
    count = len(default_knowledge().catalogue.exercises)
    assert page.locator("figure svg[role=img]").count() == count
    assert page.evaluate(IN_BOX) == []
    _keep(SHEET, page.screenshot(full_page=True, animations="disabled"))
    assert SHEET.read_bytes().startswith(b"\x89PNG")
