extension Duration {
    /// The duration in seconds as a `Double`, for ledgers and progress lines.
    public var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
