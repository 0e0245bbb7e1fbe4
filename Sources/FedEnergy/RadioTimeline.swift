/// One device's radio over device time, across rounds: idle, promotion, transfer, tail, and back.
///
/// A transfer that starts while the radio is idle (it never transferred, or its last tail has run
/// out) first pays a promotion; one that starts during the tail needs none and cuts the tail short.
/// The tail is charged for the time the radio actually spent in it, when that time is known: up to
/// the next transfer, or up to an instant the caller names (a round's end, the job's end).
public struct RadioTimeline: Sendable, Hashable {
    /// The link the radio is on.
    public let link: LinkProfile
    /// When the last transfer ended (nil: the radio never transferred).
    public private(set) var lastTransferEnd: Double?
    /// Up to when the tail after the last transfer has been charged.
    private var tailChargedUntil = 0.0

    /// An idle radio on `link`.
    public init(link: LinkProfile) {
        self.link = link
    }

    /// The radio on `link` of a resumed job: its last transfer ended at `lastTransferEnd`, and its
    /// tail has been charged up to device second `chargedUntil` (the last round's close, as every
    /// close charges every tail to it), or to the end of that transfer if it ended later.
    public init(link: LinkProfile, lastTransferEnd: Double, tailChargedTo chargedUntil: Double) {
        self.link = link
        self.lastTransferEnd = lastTransferEnd
        tailChargedUntil = max(lastTransferEnd, min(chargedUntil, lastTransferEnd + link.tailSeconds.value))
    }

    /// One transfer on the timeline, in device seconds, and what it cost.
    public struct Transfer: Sendable, Hashable, Codable {
        /// When the device wanted to start (a promotion comes first if the radio was idle).
        public var requested: Double
        /// When the bytes began to move.
        public var dataStart: Double
        /// When the last byte moved.
        public var end: Double
        /// Whether the radio had to be promoted (never on a link without a promotion state).
        public var promoted: Bool
        /// The bytes' energy at the link's transfer power.
        public var transferJoules: Double
        /// The promotion's energy (0 without one).
        public var promotionJoules: Double
        /// The tail of the previous transfer up to `requested`, not charged before.
        public var tailJoules: Double
    }

    /// Moves `bytes` in `direction`, starting at `time` (or when the previous transfer ends, if later).
    public mutating func transfer(bytes: Int, _ direction: LinkProfile.Direction, at time: Double) -> Transfer {
        let requested = max(time, lastTransferEnd ?? time)
        let tail = chargeTail(until: requested)
        // A link without a promotion state (WiFi here) is never promoted.
        let idle = (lastTransferEnd.map { requested - $0 >= link.tailSeconds.value } ?? true) && link.promotionSeconds.value > 0
        let dataStart = requested + (idle ? link.promotionSeconds.value : 0)
        let end = dataStart + link.transferSeconds(bytes: bytes, direction)
        lastTransferEnd = end
        tailChargedUntil = end
        return Transfer(
            requested: requested, dataStart: dataStart, end: end, promoted: idle,
            transferJoules: link.transferJoules(bytes: bytes, direction), promotionJoules: idle ? link.promotionJoules : 0,
            tailJoules: tail)
    }

    /// Charges the tail the radio spent between the last charge and `time`; returns its joules.
    public mutating func chargeTail(until time: Double) -> Double {
        guard let last = lastTransferEnd else { return 0 }
        let upTo = min(time, last + link.tailSeconds.value)
        guard upTo > tailChargedUntil else { return 0 }
        defer { tailChargedUntil = upTo }
        return (upTo - tailChargedUntil) * link.tailMilliwatts.value * 1e-3
    }
}
