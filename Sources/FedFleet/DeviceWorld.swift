import FedEnergy

/// The device world a job's rounds run in: the fleet, each client's radio over device time, and
/// the device clock, which moves from one round's start to its close and never reads the host's.
///
/// The coordinator asks it when a client's update arrives in device time, given the bytes and FLOPs
/// the client really produced, and what that cost in joules; rounds follow one another with no
/// device time between them (the coordinator's aggregation and evaluation take none).
public struct DeviceWorld: Sendable {
    /// The fleet.
    public let fleet: Fleet
    /// Device seconds since the job began: the start of the round that opens next.
    public private(set) var now = 0.0
    private var radios: [Int: RadioTimeline] = [:]

    /// A world of `fleet` at device second `now`, every radio idle.
    public init(fleet: Fleet, now: Double = 0) {
        self.fleet = fleet
        self.now = now
    }

    /// The world of a resumed job at device second `now`, the close of its last round: each
    /// client in `lastTransferEnds` had its radio's last transfer end then, and its tail charged up
    /// to `now`; the others' radios never transferred.
    public init(fleet: Fleet, now: Double, lastTransferEnds: [Int: Double]) {
        self.init(fleet: fleet, now: now)
        for (client, end) in lastTransferEnds {
            radios[client] = RadioTimeline(link: fleet.members[client].link, lastTransferEnd: end, tailChargedTo: now)
        }
    }

    /// `client`'s round starting at `start`: `downloadBytes` down, then (when `uploadBytes` is given)
    /// decoding the model, `flops` of training, encoding the update (`codec`, when its work is
    /// counted) and the update up. Returns the timeline and its energy, the tail before the download
    /// included.
    public mutating func clientRound(
        _ client: Int, from start: Double, downloadBytes: Int, flops: Int, uploadBytes: Int?, codec: CodecOperations? = nil
    ) -> (timeline: DeviceTimeline, energy: DeviceRoundEnergy) {
        let member = fleet.members[client]
        var radio = radios[client] ?? RadioTimeline(link: member.link)
        defer { radios[client] = radio }
        let download = radio.transfer(bytes: downloadBytes, .down, at: start)
        var timeline = DeviceTimeline(download: DeviceInterval(start: download.requested, end: download.end))
        var energy = DeviceRoundEnergy(
            computeSeconds: 0, computeJoules: 0, downlinkJoules: download.transferJoules, uplinkJoules: 0,
            overheadJoules: download.promotionJoules + download.tailJoules, promotions: download.promoted ? 1 : 0)
        guard let uploadBytes else { return (timeline, energy) }
        var time = download.end
        /// The next `seconds` of device work, from `time` on.
        func next(_ seconds: Double) -> DeviceInterval {
            defer { time += seconds }
            return DeviceInterval(start: time, end: time + seconds)
        }
        let decodeSeconds = codec.map { member.codecSeconds(operations: $0.decode) }
        timeline.decode = decodeSeconds.map(next)
        let seconds = member.computeSeconds(flops: flops)
        timeline.training = next(seconds)
        let encodeSeconds = codec.map { member.codecSeconds(operations: $0.encode) }
        timeline.encode = encodeSeconds.map(next)
        energy.computeSeconds = seconds
        energy.computeJoules = seconds * member.device.chargedWatts
        if let decodeSeconds, let encodeSeconds {
            energy.codecSeconds = decodeSeconds + encodeSeconds
            energy.codecJoules = (decodeSeconds + encodeSeconds) * member.device.chargedWatts
        }
        let upload = radio.transfer(bytes: uploadBytes, .up, at: time)
        timeline.upload = DeviceInterval(start: upload.requested, end: upload.end)
        energy.uplinkJoules = upload.transferJoules
        energy.overheadJoules += upload.promotionJoules + upload.tailJoules
        energy.promotions += upload.promoted ? 1 : 0
        return (timeline, energy)
    }

    /// The device seconds `client` can spend training in a round starting at `start` and still have
    /// its update of `uploadBytes` arrive by `deadline` (device seconds since the job began), after
    /// its RoundStart of `downloadBytes` has come down and `codec` work (decoding it, encoding the
    /// update) is done; negative when even no training would be late.
    ///
    /// Nothing moves: this asks what the radio would do. An upload that starts after the tail of the
    /// download has run out needs a promotion, which the budget then leaves room for.
    public func trainingBudget(
        _ client: Int, from start: Double, downloadBytes: Int, uploadBytes: Int, codec: CodecOperations? = nil, deadline: Double
    ) -> Double {
        let member = fleet.members[client]
        let link = member.link
        var radio = radios[client] ?? RadioTimeline(link: link)
        let download = radio.transfer(bytes: downloadBytes, .down, at: start)
        let codecSeconds = codec.map { member.codecSeconds(operations: $0.decode + $0.encode) } ?? 0
        // From the download's end to the upload's start: codec work and training.
        let gap = deadline - link.transferSeconds(bytes: uploadBytes, .up) - download.end
        return gap - codecSeconds - (gap < link.tailSeconds.value ? 0 : link.promotionSeconds.value)
    }

    /// Lets `seconds` of device time pass with no round (nobody was online); radios' tails keep
    /// running and are charged at the next round's close.
    public mutating func wait(_ seconds: Double) {
        now += seconds
    }

    /// Charges every radio's tail to its natural end, past the clock (the job is over and nothing
    /// will cut the tails short); returns those joules by client.
    public mutating func chargeRemainingTails() -> [Int: Double] {
        chargeTails(until: .infinity)
    }

    /// Closes the round at device second `end`: the clock moves there, and every radio's tail up to
    /// then is charged; returns those joules by client.
    public mutating func closeRound(at end: Double) -> [Int: Double] {
        now = max(now, end)
        return chargeTails(until: now)
    }

    /// Charges every radio's tail up to `time`; returns the joules by client (those with any).
    private mutating func chargeTails(until time: Double) -> [Int: Double] {
        var tails: [Int: Double] = [:]
        for client in radios.keys.sorted() {
            let joules = radios[client]!.chargeTail(until: time)
            if joules > 0 { tails[client] = joules }
        }
        return tails
    }
}
