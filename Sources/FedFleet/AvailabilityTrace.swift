import Foundation

/// Measured availability: for each client id, the device-second intervals in which it was online.
///
/// The file: `{"clients": {"0": [[0, 3600], [7200, 10800]], "1": [[1800, 5400]]}}`, each client's
/// intervals in order, each ending after it starts and before the next begins.
public struct AvailabilityTrace: Sendable, Hashable, Codable {
    /// Each client's online intervals, by id.
    public var clients: [String: [[Double]]]

    /// Reads the trace at `path`; throws, naming the file and the client, if it is not one.
    public init(path: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as DecodingError {
            throw FleetError.invalidFile(path: path, reason: "\(error)")
        } catch {
            throw FleetError.invalidFile(path: path, reason: error.localizedDescription)
        }
        for (client, intervals) in clients {
            guard Int(client).map({ $0 >= 0 }) == true else { throw FleetError.invalidFile(path: path, reason: "\"\(client)\" is not a client id") }
            var previousEnd = -Double.infinity
            for interval in intervals {
                guard interval.count == 2, interval[0].isFinite, interval[1].isFinite, interval[0] < interval[1], interval[0] >= previousEnd else {
                    throw FleetError.invalidFile(
                        path: path, reason: "client \(client): \(interval) is not an interval [start, end] after the one before it")
                }
                previousEnd = interval[1]
            }
        }
    }

    /// The online interval of `client` that holds `time`, if one does.
    func interval(of client: Int, at time: Double) -> (start: Double, end: Double)? {
        clients[String(client)]?.first { $0[0] <= time && time < $0[1] }.map { ($0[0], $0[1]) }
    }
}
