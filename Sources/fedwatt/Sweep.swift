import ArgumentParser
import FedCodec
import FedCommandLine
import FedCoordinator
import FedLedger
import FedReport
import Foundation

/// `fedwatt sweep`: the same federated job once per codec, and one table comparing them.
struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the same federated job once per uplink codec and compare bytes and accuracy.",
        discussion: """
            Runs the federated part of `fedwatt simulate` (no baseline, no report) once for each codec \
            in --codecs (same seed, data, model and downlink), each into DIR/CODEC/, then writes \
            DIR/sweep.md, DIR/sweep.html and DIR/sweep.json: final accuracy, uplink and downlink bytes, \
            how many uplink bytes each needed to reach --target-accuracy, and the mean round time.
            """
    )

    @Option(help: "Comma-separated uplink codecs, e.g. none,fp16+zlib,int8+zlib,qsgd:4+zlib,topk:0.01+int8+zlib.")
    var codecs: String = "none,fp16+zlib,int8+zlib,qsgd:16+zlib,qsgd:4+zlib,sign+zlib,topk:0.01+int8+zlib"

    @Option(name: .customLong("target-accuracy"), help: "Test accuracy whose cost in uplink bytes the table reports.")
    var targetAccuracy: Double = 0.85

    @Option(help: "Output folder.")
    var out: String = "out/sweep"

    @OptionGroup var job: SimulationOptions

    func validate() throws {
        guard !specs.isEmpty else { throw ValidationError("--codecs needs at least one codec, e.g. --codecs none,int8+zlib") }
        for text in codecs.split(separator: ",") {
            do {
                _ = try CodecSpec(parsing: String(text))
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    private var specs: [CodecSpec] { codecs.split(separator: ",").compactMap { try? CodecSpec(parsing: String($0)) } }

    func run() async throws {
        var rows: [SweepRow] = []
        for spec in specs {
            say("== codec \(spec)")
            var federation = job.federation.settings
            federation.codec = spec
            let directory = (out as NSString).appendingPathComponent(spec.description.replacingOccurrences(of: ":", with: "_"))
            let seconds = try await job.simulation(federation: federation).run(out: directory)
            rows.append(try SweepRow(codec: spec, directory: directory, targetAccuracy: targetAccuracy, wholeSeconds: seconds))
        }
        let table = SweepTable(
            rows: rows, targetAccuracy: targetAccuracy, downlinkCodec: job.federation.downlinkCodec,
            downlinkDifferences: job.federation.downlinkDelta)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try table.markdown.write(toFile: (out as NSString).appendingPathComponent("sweep.md"), atomically: true, encoding: .utf8)
        try table.html.write(toFile: (out as NSString).appendingPathComponent("sweep.html"), atomically: true, encoding: .utf8)
        try writeJSON(rows, to: out, name: "sweep.json")
        say(table.markdown)
        say("wrote \(out)/sweep.md, sweep.html and sweep.json")
    }
}
