/// Why a fleet cannot be used; each case names the file, class or field at fault.
public enum FleetError: Error, Equatable, CustomStringConvertible {
    /// No file at the path, and no shipped fleet of that name.
    case notFound(String)
    /// The file is not a fleet.
    case invalidFile(path: String, reason: String)
    /// The fleet breaks a rule.
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let name):
            return "no fleet file \(name), and no shipped fleet of that name (shipped: \(FleetSpec.shippedNames.joined(separator: ", ")))"
        case .invalidFile(let path, let reason): return "\(path) is not a fleet: \(reason)"
        case .invalid(let reason): return "invalid fleet: \(reason)"
        }
    }
}
