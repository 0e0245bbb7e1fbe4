import ArgumentParser
import FedCodec
import FedCommandLine
import FedCoordinator
import FedLedger
import FedReport
import Foundation

/// `fedwatt sweep`: the same federated job once per uplink and downlink codec pair, and one table comparing them.
struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the same federated job once per uplink and downlink codec pair and compare bytes, accuracy and energy.",
        discussion: """
            Runs the federated part of `fedwatt simulate` (no baseline, no report) once for each pair of \
            an uplink codec in --codecs and a downlink codec in --downlink-codecs (same seed, data and \
            model), each into DIR/CODEC/ (DIR/CODEC--DOWNLINK/ with several downlink codecs), then writes \
            DIR/sweep.md, DIR/sweep.html and DIR/sweep.json: final accuracy, uplink, downlink and total \
            bytes, the federated energy, how many uplink bytes each needed to reach --target-accuracy, \
            the mean round time, and which pairs are on the Pareto front of bytes against accuracy.
            """
    )

    @Option(help: "Comma-separated uplink codecs, e.g. none,fp16+zlib,int8+zlib,qsgd:4+zlib,topk:0.01+int8+zlib.")
    var codecs: String = "none,fp16+zlib,int8+zlib,qsgd:16+zlib,qsgd:4+zlib,sign+zlib,topk:0.01+int8+zlib"

    @Option(
        name: .customLong("downlink-codecs"),
        help: "Comma-separated downlink codecs, each run with every uplink codec (default: the job's --downlink-codec).")
    var downlinkCodecs: String?

    @Option(name: .customLong("target-accuracy"), help: "Test accuracy whose cost in uplink bytes the table reports.")
    var targetAccuracy: Double = 0.85

    @Option(help: "Output folder.")
    var out: String = "out/sweep"

    @OptionGroup var job: SimulationOptions

    func validate() throws {
        guard !specs.isEmpty else { throw ValidationError("--codecs needs at least one codec, e.g. --codecs none,int8+zlib") }
        guard !downlinkSpecs.isEmpty else { throw ValidationError("--downlink-codecs needs at least one codec, e.g. none,int8+zlib") }
        for text in codecs.split(separator: ",") + (downlinkCodecs ?? "").split(separator: ",") {
            do {
                _ = try CodecSpec(parsing: String(text))
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    private var specs: [CodecSpec] { Self.parsed(codecs) }

    private var downlinkSpecs: [CodecSpec] { downlinkCodecs.map(Self.parsed) ?? [job.federation.downlinkCodec] }

    private static func parsed(_ list: String) -> [CodecSpec] { list.split(separator: ",").compactMap { try? CodecSpec(parsing: String($0)) } }

    func run() async throws {
        var rows: [SweepRow] = []
        for downlink in downlinkSpecs {
            for spec in specs {
                say("== codec \(spec), downlink \(downlink)")
                var federation = job.federation.settings
                federation.codec = spec
                federation.downlinkCodec = downlink
                let name = spec.description + (downlinkSpecs.count > 1 ? "--\(downlink)" : "")
                let directory = (out as NSString).appendingPathComponent(name.replacingOccurrences(of: ":", with: "_"))
                let seconds = try await job.simulation(federation: federation).run(out: directory)
                rows.append(
                    try SweepRow(
                        codec: spec, downlinkCodec: downlink, directory: directory, targetAccuracy: targetAccuracy, wholeSeconds: seconds))
            }
        }
        let table = SweepTable(rows: rows, targetAccuracy: targetAccuracy, downlinkDifferences: job.federation.downlinkDelta)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try table.markdown.write(toFile: (out as NSString).appendingPathComponent("sweep.md"), atomically: true, encoding: .utf8)
        try table.html.write(toFile: (out as NSString).appendingPathComponent("sweep.html"), atomically: true, encoding: .utf8)
        try writeJSON(rows, to: out, name: "sweep.json")
        say(table.markdown)
        say("wrote \(out)/sweep.md, sweep.html and sweep.json")
    }
}
