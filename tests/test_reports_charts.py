"""The SVG charts: well-formed, labelled for assistive technology, honest about missing values."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from booking.reports.charts import BRAND, EMPTY, Bar, Series, bar_chart, heatmap, line_chart
from booking.reports.tables import NOTHING

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(markup)


def assert_accessible(svg: ElementTree.Element, chart_id: str) -> None:
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert svg.find(f"{SVG}title").get("id") == f"{chart_id}-title"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").get("id") == f"{chart_id}-desc"  # type: ignore[union-attr]
    assert svg.get("width") == "100%" and svg.get("viewBox", "").startswith("0 0 340 ")


def test_a_bar_chart_draws_each_share_and_escapes_names() -> None:
    svg = parsed(
        bar_chart(
            "bars",
            "Utilisation <by> building",
            "A & B",
            [Bar("St Thomas' & <Hall>", 0.5, "50%"), Bar("Closed all month", None, NOTHING)],
        )
    )

    assert_accessible(svg, "bars")
    assert svg.find(f"{SVG}title").text == "Utilisation <by> building"  # type: ignore[union-attr]
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["St Thomas' & <Hall>", "50%", "Closed all month", NOTHING]
    filled = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") == BRAND]
    assert len(filled) == 1 and float(filled[0].get("width", 0)) == 135


def test_a_long_name_is_cut_short_in_the_chart() -> None:
    name = "Bramhall Leisure Centre, Bramhall & Cheadle Hulme South"
    svg = parsed(bar_chart("bars", "Buildings", "Utilisation", [Bar(name, 0.5, "50%")]))

    label = next(svg.iter(f"{SVG}text")).text or ""
    assert label.endswith("\N{HORIZONTAL ELLIPSIS}") and name.startswith(label[:-1])
    assert len(label) <= 41


def test_a_line_breaks_where_a_value_is_missing() -> None:
    svg = parsed(
        line_chart(
            "line",
            "Trend",
            "Day by day",
            ["1 Oct", "2 Oct", "3 Oct", "4 Oct"],
            [Series("Utilisation", [0.5, None, 0.25, 1.0], BRAND)],
        )
    )

    assert_accessible(svg, "line")
    [path] = list(svg.iter(f"{SVG}path"))
    assert path.get("d", "").count("M") == 2  # a new line after the gap
    assert len(list(svg.iter(f"{SVG}circle"))) == 3


def test_a_heatmap_greys_out_closed_hours() -> None:
    svg = parsed(
        heatmap(
            "heat",
            "Peak times",
            "Occupancy",
            ["Mon", "Tue"],
            ["9:00", "10:00"],
            [[0.0, 1.0], [None, 0.5]],
        )
    )

    assert_accessible(svg, "heat")
    cells = list(svg.iter(f"{SVG}rect"))
    assert [cell.get("fill") for cell in cells] == [BRAND, BRAND, EMPTY, BRAND]
    assert [cell.get("fill-opacity") for cell in cells] == ["0.08", "1.00", None, "0.54"]


def test_charts_of_nothing_are_still_well_formed() -> None:
    for markup in (
        bar_chart("a", "Empty", "Nothing", []),
        line_chart("b", "Empty", "Nothing", [], []),
        heatmap("c", "Empty", "Nothing", [], [], []),
    ):
        assert parsed(markup).tag == f"{SVG}svg"
