import Foundation

/// Small self-contained SVG charts (no scripts, no fonts beyond the reader's sans-serif).
enum SVGChart {
    /// One line of a line chart.
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
    }

    /// One segment of a stacked bar.
    struct Segment {
        var name: String
        var value: Double
        var color: String
    }

    static let width = 680.0
    static let height = 360.0
    static let margin = (left: 78.0, right: 20.0, top: 52.0, bottom: 58.0)

    /// A line chart with axes, evenly spaced round-numbered ticks, a marker on every value, and a
    /// legend in a row above the plot (unless `legend` is false: the page then names the colors,
    /// when there are more lines than one row holds).
    static func lines(
        title: String, xLabel: String, yLabel: String, series: [Series], xFromZero: Bool = true,
        xTickLabel: ((Double) -> String)? = nil, legend: Bool = true
    ) -> String {
        let points = series.flatMap(\.points)
        guard !points.isEmpty else { return "" }
        let (xLow, xHigh) = (points.map(\.x).min()!, points.map(\.x).max()!)
        let xPad = max(xHigh - xLow, abs(xHigh), 1e-9) * 0.04
        let (xMin, xEnd) = xFromZero ? (min(0, xLow), xHigh + xPad) : (xLow - xPad, xHigh + xPad)
        let (yLow, yHigh) = (points.map(\.y).min()!, points.map(\.y).max()!)
        let yPad = max(yHigh - yLow, abs(yHigh) * 0.01, 1e-9) * 0.06
        let (yMin, yMax) = (yLow - yPad, yHigh + yPad)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        func px(_ x: Double) -> Double { margin.left + (x - xMin) / (xEnd - xMin) * plotWidth }
        func py(_ y: Double) -> Double { margin.top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight }
        var svg = header(title: title)
        svg += axes(xLabel: xLabel, yLabel: yLabel)
        let (xTicks, xDigits) = ticks(xMin, xEnd)
        for x in xTicks {
            svg += text(px(x), height - margin.bottom + 18, xTickLabel?(x) ?? String(format: "%.\(xDigits)f", x), anchor: "middle")
        }
        let (yTicks, yDigits) = ticks(yMin, yMax)
        for y in yTicks {
            svg += text(margin.left - 8, py(y) + 4, String(format: "%.\(yDigits)f", y), anchor: "end")
            svg += ##"<line x1="\##(margin.left)" x2="\##(width - margin.right)" y1="\##(f(py(y)))" y2="\##(f(py(y)))" stroke="#e5e5e5"/>"##
        }
        var legendX = margin.left
        for line in series {
            let path = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += ##"<polyline class="series" data-series="\##(escape(line.name))" fill="none" stroke="\##(line.color)" stroke-width="2" points="\##(path)"/>"##
            for point in line.points {
                svg += ##"<circle cx="\##(f(px(point.x)))" cy="\##(f(py(point.y)))" r="2.5" fill="\##(line.color)"/>"##
            }
            guard legend else { continue }
            svg += ##"<rect x="\##(f(legendX))" y="\##(margin.top - 12)" width="14" height="3" fill="\##(line.color)"/>"##
            svg += text(legendX + 18, margin.top - 8, line.name, anchor: "start")
            legendX += 30 + Double(line.name.count) * 6.5
        }
        return svg + "</svg>"
    }

    /// Round-numbered ticks (steps of 1, 2 or 5 times a power of ten) inside `low...high`, and the
    /// decimals they need.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> ([Double], Int) {
        let rough = (high - low) / Double(count)
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let residual = rough / magnitude
        let step = (residual > 5 ? 10 : residual > 2.5 ? 5 : residual > 1.2 ? 2 : 1) * magnitude
        var values: [Double] = []
        var value = (low / step).rounded(.up) * step
        while value <= high + step * 1e-9 {
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return (values, max(0, Int(-log10(step).rounded(.down))))
    }

    /// Groups of stacked bars (for example one group per link profile, a bar per side).
    static func stackedBars(title: String, yLabel: String, groups: [(label: String, bars: [(label: String, segments: [Segment])])]) -> String {
        let totals = groups.flatMap { $0.bars.map { $0.segments.reduce(0) { $0 + $1.value } } }
        guard let largest = totals.max(), largest > 0 else { return "" }
        let yMax = largest * 1.08
        let plotWidth = width - margin.left - margin.right - 150
        let plotHeight = height - margin.top - margin.bottom
        func py(_ y: Double) -> Double { margin.top + (1 - y / yMax) * plotHeight }
        var svg = header(title: title)
        svg += axes(xLabel: "", yLabel: yLabel, right: 150)
        let (yTicks, digits) = ticks(0, yMax)
        for y in yTicks {
            svg += text(margin.left - 8, py(y) + 4, String(format: "%.\(digits)f", y), anchor: "end")
            svg += ##"<line x1="\##(margin.left)" x2="\##(width - margin.right - 150)" y1="\##(f(py(y)))" y2="\##(f(py(y)))" stroke="#e5e5e5"/>"##
        }
        let groupWidth = plotWidth / Double(groups.count)
        var legend: [(String, String)] = []
        for (g, group) in groups.enumerated() {
            let barWidth = groupWidth * 0.8 / Double(group.bars.count)
            for (b, bar) in group.bars.enumerated() {
                let x = margin.left + Double(g) * groupWidth + groupWidth * 0.1 + Double(b) * barWidth
                var base = 0.0
                for segment in bar.segments {
                    let top = base + segment.value
                    svg += ##"<rect class="segment" data-bar="\##(escape(group.label + " " + bar.label))" data-segment="\##(escape(segment.name))" data-joules="\##(segment.value)" x="\##(f(x + 2))" y="\##(f(py(top)))" width="\##(f(barWidth - 4))" height="\##(f(py(base) - py(top)))" fill="\##(segment.color)"/>"##
                    base = top
                    if !legend.contains(where: { $0.0 == segment.name }) { legend.append((segment.name, segment.color)) }
                }
                svg += text(x + barWidth / 2, height - margin.bottom + 16, bar.label, anchor: "middle")
            }
            svg += text(margin.left + (Double(g) + 0.5) * groupWidth, height - margin.bottom + 34, group.label, anchor: "middle", bold: true)
        }
        for (index, (name, color)) in legend.enumerated() {
            let y = margin.top + 10 + Double(index) * 18
            svg += ##"<rect x="\##(width - margin.right - 140)" y="\##(f(y - 10))" width="12" height="12" fill="\##(color)"/>"##
            svg += text(width - margin.right - 122, y, name, anchor: "start")
        }
        return svg + "</svg>"
    }

    /// One bar pair of a tornado chart: a constant and the ratio at its low and at its high value.
    struct TornadoRow {
        var label: String
        var atLow: Double
        var atHigh: Double
    }

    /// A tornado chart: one row per constant, largest swing first, a bar from the central ratio to
    /// the ratio at the constant's low value and one to its high value, the central ratio and the
    /// break-even ratio 1 as vertical lines.
    static func tornado(title: String, central: Double, rows: [TornadoRow]) -> String {
        guard !rows.isEmpty else { return "" }
        let (labelWidth, rowHeight, top) = (300.0, 20.0, 62.0)
        let chartHeight = top + rowHeight * Double(rows.count) + 46
        let values: [Double] = rows.flatMap { row -> [Double] in [row.atLow, row.atHigh] } + [central, 1.0]
        let (low, high) = (values.min()!, values.max()!)
        let pad = (high - low) * 0.05 + 1e-9
        let (xMin, xMax) = (low - pad, high + pad)
        let plotLeft = labelWidth + 10
        let plotRight = width - margin.right
        func px(_ x: Double) -> Double { plotLeft + (x - xMin) / (xMax - xMin) * (plotRight - plotLeft) }
        let bottom = top + rowHeight * Double(rows.count)
        var svg = header(title: title, height: chartHeight)
        svg += ##"<rect x="\##(f(plotLeft))" y="34" width="12" height="10" fill="#1f77b4"/>"##
        svg += text(plotLeft + 16, 43, "constant at its low value", anchor: "start")
        svg += ##"<rect x="\##(f(plotLeft + 190))" y="34" width="12" height="10" fill="#ff7f0e"/>"##
        svg += text(plotLeft + 206, 43, "at its high value", anchor: "start")
        let (ticks, digits) = ticks(xMin, xMax)
        for x in ticks {
            svg += ##"<line x1="\##(f(px(x)))" x2="\##(f(px(x)))" y1="\##(f(top))" y2="\##(f(bottom))" stroke="#e5e5e5"/>"##
            svg += text(px(x), bottom + 16, String(format: "%.\(digits)f", x), anchor: "middle")
        }
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            svg += text(labelWidth, y + 14, row.label, anchor: "end")
            for (value, color, name) in [(row.atLow, "#1f77b4", "low"), (row.atHigh, "#ff7f0e", "high")] {
                let (left, right) = (min(px(value), px(central)), max(px(value), px(central)))
                svg += ##"<rect class="tornado" data-constant="\##(escape(row.label))" data-end="\##(name)" data-ratio="\##(value)" x="\##(f(left))" y="\##(f(y + 3))" width="\##(f(max(right - left, 1)))" height="\##(f(rowHeight - 6))" fill="\##(color)" fill-opacity="0.85"/>"##
            }
        }
        svg += ##"<line x1="\##(f(px(central)))" x2="\##(f(px(central)))" y1="\##(f(top - 4))" y2="\##(f(bottom))" stroke="#333" stroke-width="1.5"/>"##
        svg += ##"<line x1="\##(f(px(1)))" x2="\##(f(px(1)))" y1="\##(f(top - 4))" y2="\##(f(bottom))" stroke="#d62728" stroke-dasharray="4 3"/>"##
        svg += text(px(1), top - 8, "equal cost (1)", anchor: "middle")
        svg += text((plotLeft + plotRight) / 2, bottom + 36, String(format: "federated / centralized energy (central %.3g)", central), anchor: "middle")
        return svg + "</svg>"
    }

    /// The ratio's uncertainty on one axis: the extremes as a thin line, the Monte Carlo's 5-95%
    /// interval as a band, the central value as a marker, and equal cost (1) as a dashed line.
    static func band(title: String, central: Double, interval: ClosedRange<Double>, extremes: ClosedRange<Double>) -> String {
        let chartHeight = 130.0
        let values: [Double] = [central, interval.lowerBound, interval.upperBound, extremes.lowerBound, extremes.upperBound, 1]
        let (low, high) = (values.min()!, values.max()!)
        let pad = (high - low) * 0.05 + 1e-9
        let (xMin, xMax) = (low - pad, high + pad)
        func px(_ x: Double) -> Double { margin.left + (x - xMin) / (xMax - xMin) * (width - margin.left - margin.right) }
        let y = 66.0
        var svg = header(title: title, height: chartHeight)
        svg += ##"<line class="extremes" x1="\##(f(px(extremes.lowerBound)))" x2="\##(f(px(extremes.upperBound)))" y1="\##(f(y))" y2="\##(f(y))" stroke="#777" stroke-width="2"/>"##
        for end in [extremes.lowerBound, extremes.upperBound] {
            svg += ##"<line x1="\##(f(px(end)))" x2="\##(f(px(end)))" y1="\##(f(y - 8))" y2="\##(f(y + 8))" stroke="#777" stroke-width="2"/>"##
            svg += text(px(end), y + 24, String(format: "%.3g", end), anchor: "middle")
        }
        svg += ##"<rect class="interval" x="\##(f(px(interval.lowerBound)))" y="\##(f(y - 9))" width="\##(f(max(px(interval.upperBound) - px(interval.lowerBound), 1)))" height="18" fill="#1f77b4" fill-opacity="0.35"/>"##
        svg += ##"<circle class="central" cx="\##(f(px(central)))" cy="\##(f(y))" r="6" fill="#1f77b4"/>"##
        svg += text(px(central), y - 14, String(format: "%.3g", central), anchor: "middle", bold: true)
        svg += ##"<line x1="\##(f(px(1)))" x2="\##(f(px(1)))" y1="\##(f(y - 26))" y2="\##(f(y + 26))" stroke="#d62728" stroke-dasharray="4 3"/>"##
        svg += text(px(1), y + 40, "equal cost (1)", anchor: "middle")
        svg += text(margin.left, chartHeight - 8, "dot: the central constants; band: 5%-95% of the Monte Carlo; line: the extremes", anchor: "start")
        return svg + "</svg>"
    }

    private static func header(title: String, height: Double = height) -> String {
        ##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \##(Int(width)) \##(Int(height))" width="\##(Int(width))" height="\##(Int(height))" role="img" aria-label="\##(escape(title))" font-family="sans-serif" font-size="12">"##
            + ##"<title>\##(escape(title))</title>"## + text(width / 2, 20, title, anchor: "middle", bold: true)
    }

    private static func axes(xLabel: String, yLabel: String, right: Double = 0) -> String {
        let bottom = height - margin.bottom
        return ##"<line x1="\##(margin.left)" y1="\##(margin.top)" x2="\##(margin.left)" y2="\##(bottom)" stroke="#333"/>"##
            + ##"<line x1="\##(margin.left)" y1="\##(bottom)" x2="\##(width - margin.right - right)" y2="\##(bottom)" stroke="#333"/>"##
            + text((margin.left + width - margin.right - right) / 2, height - 8, xLabel, anchor: "middle")
            + ##"<text x="16" y="\##(f((margin.top + bottom) / 2))" text-anchor="middle" transform="rotate(-90 16 \##(f((margin.top + bottom) / 2)))">\##(escape(yLabel))</text>"##
    }

    private static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, bold: Bool = false) -> String {
        ##"<text x="\##(f(x))" y="\##(f(y))" text-anchor="\##(anchor)"\##(bold ? ##" font-weight="bold""## : "")>\##(escape(content))</text>"##
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Escapes text for HTML and SVG.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
