"""Pieces the one-page PDF summaries share (reportlab): a name cut to fit, and the horizontal
bar chart of a share (0–100 %) per OPD or unit that the JP recap and the integrity compliance
summaries draw."""

from __future__ import annotations

NAVY = "#1e3a8a"


def fit(text: str, size: float, room: float, font: str = "Helvetica") -> str:
    """`text`, shortened with an ellipsis to fit `room` points at `size`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def share_chart(rows: list[tuple[str, float]], *, width: float, available: float, bar_label: str = "%.0f%%"):
    """A horizontal bar chart of (name, share %) rows, the first row on top, on a 0–100 axis,
    as tall as the rows need (a bar at most 22 points) within `available` points. Names are
    cut to fit a label column no wider than they need. Returns a reportlab Drawing."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    axis = 24  # the value axis and its labels, under the bars
    pitch = min(22.0, (available - axis) / len(rows))
    label_size = max(4.0, min(8.0, pitch * 0.7))
    names = [fit(name, label_size, 240) for name, _share in rows]
    label_width = min(250.0, max(stringWidth(name, "Helvetica", label_size) for name in names) + 10)
    height = pitch * len(rows)
    drawing = Drawing(width, height + axis)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, axis
    chart.width, chart.height = width - label_width - 30, height
    # reportlab draws the first category at the bottom: reversed, the first row is on top.
    chart.data = [[round(share, 1) for _name, share in reversed(rows)]]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = label_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = colors.HexColor(NAVY)
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = bar_label
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = min(label_size, 7)
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.barSpacing = 0
    chart.groupSpacing = max(1.0, pitch * 0.25)
    drawing.add(chart)
    return drawing
