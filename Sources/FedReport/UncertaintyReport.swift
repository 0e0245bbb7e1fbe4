import FedEnergy
import Foundation

extension EnergyComparison {
    /// The ratio as a sentence: `0.41 (federated 2.4x cheaper)`.
    static func ratioPhrase(_ ratio: Double) -> String {
        ratio <= 1
            ? String(format: "%.3g (federated %.2gx cheaper)", ratio, 1 / ratio) : String(format: "%.3g (centralized %.2gx cheaper)", ratio, ratio)
    }

    /// A constant's value with its unit, to four significant digits.
    static func quantity(_ value: Double, _ unit: String) -> String {
        let number = String(format: "%.4g", value)
        return unit.isEmpty ? number : unit == "×" ? "\(number)×" : "\(number) \(unit)"
    }

    /// The verdict at the central values, the Monte Carlo's interval and the extremes, in sentences.
    func uncertaintyText(_ u: VerdictUncertainty) -> String {
        let mc = u.monteCarlo
        let methods = u.ratioByCPUMethod.keys.sorted().map { String(format: "%@ %.3g", $0, u.ratioByCPUMethod[$0]!) }.joined(separator: ", ")
        return String(
            format: "Federated over centralized energy is %@ at the central constants. Over %d draws (seed %llu) of the %d constants "
                + "that have a range, each %@, the ratio's 5%%-95%% interval is %.3g to %.3g (median %.3g), and federated training is the "
                + "cheaper side in %.1f%% of the draws. With every constant at the end of its range that favours federated training the ratio "
                + "is %@; at the end that favours centralized training, %@. The CodeCarbon CPU rule is a documented mode, not drawn: the "
                + "ratio is %@ under each (the verdict uses %@). %d constants that feed the ratio have no range or a range that does not "
                + "move them, and are held at their values. %@",
            Self.ratioPhrase(u.centralRatio), mc.draws, mc.seed, u.tornado.count, mc.distribution, mc.p05, mc.p95, mc.median,
            100 * mc.federatedCheaperShare, Self.ratioPhrase(u.favourFederatedRatio), Self.ratioPhrase(u.favourCentralizedRatio), methods,
            u.chosenCPUMethod, u.fixed.count, u.heldFixed)
    }

    /// One line for the console: the central ratio, the Monte Carlo's interval, the extremes and the
    /// constant that moves the ratio most (nil without an analysis).
    public var uncertaintySummary: String? {
        guard let u = uncertainty else { return nil }
        return String(
            format: "federated/centralized %.3g; 5%%-95%% %.3g to %.3g over %d draws; extremes %.3g to %.3g; moved most by %@",
            u.centralRatio, u.monteCarlo.p05, u.monteCarlo.p95, u.monteCarlo.draws, min(u.favourFederatedRatio, u.favourCentralizedRatio),
            max(u.favourFederatedRatio, u.favourCentralizedRatio), u.tornado.first?.label ?? "nothing")
    }

    /// The sentence of a flip point.
    static func flipSentence(_ flip: VerdictUncertainty.FlipPoint) -> String {
        let constant = flip.constant
        guard let value = flip.value, let side = flip.cheaperBeyond, let below = flip.beyondIsBelow else {
            return "The verdict does not flip for \(constant.label) within \(quantity(flip.searchedFrom, constant.unit)) to "
                + "\(quantity(flip.searchedTo, constant.unit)), the others at their central values."
        }
        return "\(side.rawValue.capitalized) training becomes cheaper if \(constant.label) is \(below ? "below" : "above") "
            + "\(quantity(value, constant.unit)) (central \(quantity(constant.central, constant.unit)); " + (flip.withinRange ? "within" : "outside")
            + " its plausible range \(quantity(constant.low, constant.unit)) to \(quantity(constant.high, constant.unit)))."
    }

    /// The tornado as a table: the constants, largest swing first.
    func tornadoTable(_ u: VerdictUncertainty) -> ReportTable {
        ReportTable(
            header: ["rank", "constant", "central", "plausible range", "ratio at low", "ratio at high", "swing", "reason for the range"],
            rows: u.tornado.enumerated().map { rank, c in
                ["\(rank + 1)", c.label, Self.quantity(c.central, c.unit), "\(Self.quantity(c.low, c.unit)) to \(Self.quantity(c.high, c.unit))",
                 String(format: "%.3g", c.ratioAtLow), String(format: "%.3g", c.ratioAtHigh), String(format: "%.3g", c.swing), c.reason]
            })
    }

    /// The flip points as a table.
    func flipTable(_ u: VerdictUncertainty) -> ReportTable {
        ReportTable(
            header: ["constant", "central", "plausible range", "both sides equal at", "the verdict flips"],
            rows: u.flipPoints.map { flip in
                let c = flip.constant
                return [c.label, Self.quantity(c.central, c.unit), "\(Self.quantity(c.low, c.unit)) to \(Self.quantity(c.high, c.unit))",
                        flip.value.map { Self.quantity($0, c.unit) } ?? "no flip", Self.flipSentence(flip)]
            })
    }

    /// The ratio's band: the central value, the Monte Carlo's 5-95% interval and the extremes.
    func uncertaintyBand(_ u: VerdictUncertainty) -> String {
        SVGChart.band(
            title: "Federated / centralized energy: the verdict's uncertainty", central: u.centralRatio,
            interval: u.monteCarlo.p05...u.monteCarlo.p95, extremes: min(u.favourFederatedRatio, u.favourCentralizedRatio)...max(u.favourFederatedRatio, u.favourCentralizedRatio))
    }

    /// The tornado chart of the constants with the largest swings.
    func tornadoChart(_ u: VerdictUncertainty, rows: Int = 15) -> String {
        SVGChart.tornado(
            title: "What moves the ratio most: each constant at its low and high value, the others central", central: u.centralRatio,
            rows: u.tornado.prefix(rows).map {
                SVGChart.TornadoRow(
                    label: "\($0.label) [" + String(format: "%.3g–%.3g", $0.low, $0.high) + ($0.unit.isEmpty ? "]" : " \($0.unit)]"), atLow: $0.ratioAtLow,
                    atHigh: $0.ratioAtHigh)
            })
    }

    /// The uncertainty section in Markdown (empty without an analysis).
    var uncertaintyMarkdown: String {
        guard let u = uncertainty else { return "" }
        return "\n\n## The verdict's uncertainty\n\n\(uncertaintyText(u))\n\n### What moves the ratio most (tornado)\n\n"
            + "\(tornadoTable(u).markdown)\n\n### Where the verdict flips\n\n\(flipTable(u).markdown)"
    }

    /// The uncertainty section in HTML, each part preceded by a line break (empty without an analysis).
    var uncertaintyHTML: String {
        guard let u = uncertainty else { return "" }
        // The sentences in these tables read better flush left; the page's own style keeps numbers flush right.
        let style = "<style>#tornado td:nth-child(2), #tornado td:last-child, #flip-points td:first-child, "
            + "#flip-points td:last-child { text-align: left; }</style>"
        return "\n<h2>The verdict's uncertainty</h2>\n\(style)\n<p id=\"uncertainty\">\(escape(uncertaintyText(u)))</p>\n\(uncertaintyBand(u))"
            + "\n\(tornadoChart(u))\n<h3>What moves the ratio most (tornado)</h3>\n<div id=\"tornado\">\(tornadoTable(u).html)</div>"
            + "\n<h3>Where the verdict flips</h3>\n<div id=\"flip-points\">\(flipTable(u).html)</div>"
    }
}
