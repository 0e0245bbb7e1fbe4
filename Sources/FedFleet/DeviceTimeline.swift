/// A stretch of device time, in seconds since the job's device clock started.
public struct DeviceInterval: Sendable, Hashable, Codable {
    /// When it began.
    public var start: Double
    /// When it ended.
    public var end: Double

    /// A stretch from `start` to `end`.
    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }
}

/// One client's round in device time: the model coming down (after a promotion if its radio was
/// idle), local training, and the update going up.
public struct DeviceTimeline: Sendable, Hashable, Codable {
    /// From the round's start to the model's last byte.
    public var download: DeviceInterval
    /// Decoding the model, before training (nil: no update, no codec work counted, or an older ledger).
    public var decode: DeviceInterval?
    /// Local training (nil: the client sent no update).
    public var training: DeviceInterval?
    /// Encoding the update, after training (nil as for `decode`).
    public var encode: DeviceInterval?
    /// From the end of encoding to the update's last byte (nil: no update).
    public var upload: DeviceInterval?

    /// When the update arrived, or the download ended if there was none.
    public var end: Double { upload?.end ?? download.end }
}

/// A client's device energy in one round, from its timeline.
public struct DeviceRoundEnergy: Sendable, Hashable {
    /// Device seconds of training.
    public var computeSeconds: Double
    /// Joules of training: the device's active power for those seconds.
    public var computeJoules: Double
    /// Device seconds of decoding the model and encoding the update (nil: no codec work counted).
    public var codecSeconds: Double?
    /// Joules of that codec work, at the power training is charged at (nil: none counted).
    public var codecJoules: Double?
    /// The model's bytes at the link's downlink power.
    public var downlinkJoules: Double
    /// The update's bytes at the link's uplink power.
    public var uplinkJoules: Double
    /// Promotions, and the tail the radio spent in this round.
    public var overheadJoules: Double
    /// Promotions in this round.
    public var promotions: Int
}
