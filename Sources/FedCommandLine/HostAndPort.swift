/// `HOST:PORT` split at its last colon, or nil when the port is not a number in 1...65535.
public func hostAndPort(_ text: some StringProtocol) -> (host: String, port: Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
        return nil
    }
    return (String(text[..<colon]), port)
}
