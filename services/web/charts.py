"""Charts drawn on the server as inline SVG for the staff dashboards (issue 23).

Why leather (https://leather.readthedocs.io): it writes plain SVG whose every colour, stroke and font is a
presentation attribute, with no ``<style>`` element, no ``style=""`` attribute and no script. The pages'
Content-Security-Policy (``style-src 'self'``, ``script-src 'self'``) blocks inline styles and scripts, and the
others we weighed depend on them: pygal styles every shape from a ``<style>`` element and links its own tooltip
script, matplotlib writes ``style="fill: ..."`` on every shape (and weighs tens of megabytes). leather is pure
Python with no dependency, kept alongside csvkit and agate; its look is set through ``leather.theme``, the
documented way, here once for the contrast the pages need (text at least 7:1 on white, series at least 4.5:1).

leather is imported when a chart is drawn, never when the web app starts (only the dashboards draw).
Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by the page's summary paragraph
(``aria-describedby``); the page shows the numbers as a table beside it.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup

WIDTH, HEIGHT = 720, 300
# Dark enough on white to read as text (>= 4.5:1).
SERIES_COLOURS = ("#1f5aa6", "#a0430a", "#2b6e34")
_THEMED = False


def _leather():
    global _THEMED
    import leather

    if not _THEMED:
        theme = leather.theme
        theme.background_color = "#ffffff"
        theme.title_color = theme.legend_color = theme.axis_title_color = "#1d2733"
        theme.label_color = "#333d48"
        theme.tick_color = "#d5dbe2"      # grid lines: decoration only, the numbers are in the table
        theme.zero_color = "#5b6673"
        font = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
        theme.title_font_family = theme.legend_font_family = theme.axis_title_font_family = font
        theme.tick_font_family = font
        theme.tick_font_size = theme.legend_font_size = 13
        theme.tick_font_char_width = theme.legend_font_char_width = 7
        theme.default_series_colors = list(SERIES_COLOURS)
        theme.margin = 0.02
        _THEMED = True
    return leather


def nice_top(largest) -> tuple[Decimal, Decimal]:
    """A round top for the value axis and its step (about 4 steps): 7 -> (8, 2), 0 -> (1, 1), 1234 -> (1500, 500)."""
    largest = Decimal(str(largest or 0))
    if largest <= 0:
        return Decimal(1), Decimal(1)
    raw = largest / 4
    power = Decimal(10) ** math.floor(math.log10(raw))
    step = next(power * m for m in (Decimal(1), Decimal(2), Decimal(5), Decimal(10))
                if power * m >= raw)
    if step < 1:
        step = Decimal(1)  # counts and dollars: no fractional gridlines
    return (largest / step).to_integral_value(rounding="ROUND_CEILING") * step, step


def _value_axis(chart, largest, number: Callable[[Decimal], str], horizontal: bool) -> None:
    top, step = nice_top(largest)
    ticks = [step * n for n in range(int(top / step) + 1)]
    (chart.add_x_scale if horizontal else chart.add_y_scale)(0, top)
    (chart.add_x_axis if horizontal else chart.add_y_axis)(ticks=ticks, tick_formatter=lambda v, i, c: number(v))


def _every(count: int) -> int:
    """Show one month label in so many, so that they never overlap (12 fit; 36 show one in three)."""
    return max(1, math.ceil(count / 12))


def _svg(drawn, key: str, title: str, height: int = HEIGHT) -> Markup:
    """``drawn``: a leather chart, or groups already drawn."""
    root = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {height}",
                              "width": str(WIDTH), "height": str(height), "role": "img", "class": "chart",
                              "aria-labelledby": f"{key}-title", "aria-describedby": f"{key}-summary",
                              "focusable": "false"})
    ET.SubElement(root, "title", {"id": f"{key}-title"}).text = title
    for group in drawn if isinstance(drawn, list) else [drawn.to_svg_group(WIDTH, height)]:
        root.append(group)
    # ElementTree escaped every text and attribute value it serialised: nothing of the data is markup.
    return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704  # nosec B704


def columns(key: str, title: str, labels: Sequence[str], values: Sequence, number: Callable[[Decimal], str]) -> Markup:
    """One column per label (months, in order), all of one series."""
    leather = _leather()
    chart = leather.Chart()
    step = _every(len(labels))
    chart.add_columns([(label, Decimal(str(value))) for label, value in zip(labels, values, strict=True)],
                      fill_color=SERIES_COLOURS[0])
    chart.add_x_axis(tick_formatter=lambda v, i, c: v if i % step == 0 else "")
    _value_axis(chart, max(values, default=0), number, horizontal=False)
    return _svg(chart, key, title)


def bars(key: str, title: str, labels: Sequence[str], values: Sequence, number: Callable[[Decimal], str],
         label_chars: int = 30) -> Markup:
    """One horizontal bar per label, the first on top; long labels are cut in the chart (whole in the table)."""
    leather = _leather()
    chart = leather.Chart()
    shown = [label if len(label) <= label_chars else label[:label_chars - 1].rstrip() + "…" for label in labels]
    # the chart's categories must differ: a label cut like another one gets invisible marks
    unique = [label + "\u200b" * shown[:index].count(label) for index, label in enumerate(shown)]
    chart.add_bars([(Decimal(str(value)), label) for label, value in reversed(list(zip(unique, values, strict=True)))],
                   fill_color=SERIES_COLOURS[0])
    _value_axis(chart, max(values, default=0), number, horizontal=True)
    return _svg(chart, key, title, height=max(160, 60 + 34 * len(labels)))


def column_panels(key: str, title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence]],
                  number: Callable[[Decimal], str], panel_height: int = 190) -> Markup:
    """One column chart per series (e.g. per payment method), titled with its name, stacked on one value scale:
    small multiples read without a legend and without telling colours apart."""
    leather = _leather()
    largest = max((value for _name, values in series for value in values), default=0)
    step = _every(len(labels))
    panels = []
    for index, (name, values) in enumerate(series):
        chart = leather.Chart(name)
        chart.add_columns([(label, Decimal(str(value))) for label, value in zip(labels, values, strict=True)],
                          fill_color=SERIES_COLOURS[index % len(SERIES_COLOURS)])
        chart.add_x_axis(tick_formatter=lambda v, i, c: v if i % step == 0 else "")
        _value_axis(chart, largest, number, horizontal=False)
        panel = ET.Element("g", {"transform": f"translate(0 {index * panel_height})"})
        panel.append(chart.to_svg_group(WIDTH, panel_height))
        panels.append(panel)
    return _svg(panels, key, title, height=panel_height * len(series))
