/// Joules from measured work: the formulas of the energy model (docs/ARCHITECTURE.md, "Energy").

extension DeviceProfile {
    /// Seconds the device needs for `flops` at its sustained rate.
    public func computeSeconds(flops: Int) -> Double { Double(flops) / sustainedFLOPS.value }

    /// Seconds the device needs for `operations` of codec work, each counted as a FLOP at its sustained rate.
    public func seconds(operations: Double) -> Double { operations / sustainedFLOPS.value }

    /// Joules the device is charged for `flops`: time at the sustained rate × its power on its basis.
    public func computeJoules(flops: Int) -> Double { computeSeconds(flops: flops) * chargedWatts }
}

/// A client's radio energy for some traffic, split the way the report shows it.
public struct RadioEnergy: Sendable, Hashable, Codable {
    /// Receiving: bytes x the downlink power model.
    public var downlinkJoules: Double
    /// Sending: bytes x the uplink power model.
    public var uplinkJoules: Double
    /// Promotion and tail states around the transfers.
    public var overheadJoules: Double
    /// Separate radio bursts (each with one promotion and one tail).
    public var bursts: Int

    /// Everything the radio drew.
    public var totalJoules: Double { downlinkJoules + uplinkJoules + overheadJoules }
}

extension LinkProfile {
    /// The direction of a transfer, from the device's side.
    public enum Direction: Sendable { case up, down }

    /// Seconds to move `bytes` at the link's throughput.
    public func transferSeconds(bytes: Int, _ direction: Direction) -> Double {
        Double(bytes) * 8 / ((direction == .up ? upMbps : downMbps).value * 1e6)
    }

    /// Watts drawn while transferring in `direction`: `(a * t + beta)` mW at throughput `t`.
    private func transferWatts(_ direction: Direction) -> Double {
        let (slope, throughput) = direction == .up ? (upMilliwattsPerMbps.value, upMbps.value) : (downMilliwattsPerMbps.value, downMbps.value)
        return (slope * throughput + baseMilliwatts.value) * 1e-3
    }

    /// Joules to move `bytes`: the transfer power for `bytes * 8 / (t * 10^6)` seconds.
    public func transferJoules(bytes: Int, _ direction: Direction) -> Double {
        transferWatts(direction) * transferSeconds(bytes: bytes, direction)
    }

    /// Bits moved per joule of transfer in `direction` (the link efficiency Savazzi et al. compare).
    public func bitsPerJoule(_ direction: Direction) -> Double {
        (direction == .up ? upMbps : downMbps).value * 1e6 / transferWatts(direction)
    }

    /// Joules of one promotion into the active state.
    public var promotionJoules: Double { promotionMilliwatts.value * 1e-3 * promotionSeconds.value }

    /// One client round: receive the model, train for `computeSeconds`, send the update.
    ///
    /// The radio is promoted once, and stays in its tail state while the device trains; if training
    /// outlasts the tail, the radio idles and the upload is a second burst (another promotion).
    /// After the last transfer the whole tail runs out. With no upload (the client dropped), only
    /// the download's burst and tail count.
    public func roundEnergy(downloadBytes: Int, uploadBytes: Int, computeSeconds: Double) -> RadioEnergy {
        let tail = tailSeconds.value
        let tailPower = tailMilliwatts.value * 1e-3
        var bursts = 1
        var tailTime = tail
        if uploadBytes > 0 {
            if computeSeconds <= tail {
                tailTime += computeSeconds
            } else {
                tailTime += tail
                bursts = 2
            }
        }
        return RadioEnergy(
            downlinkJoules: transferJoules(bytes: downloadBytes, .down), uplinkJoules: transferJoules(bytes: uploadBytes, .up),
            overheadJoules: Double(bursts) * promotionJoules + tailTime * tailPower, bursts: bursts)
    }

    /// One upload burst of `bytes` (a device sending its raw data to the datacenter).
    public func uploadEnergy(bytes: Int) -> RadioEnergy {
        RadioEnergy(
            downlinkJoules: 0, uplinkJoules: transferJoules(bytes: bytes, .up),
            overheadJoules: promotionJoules + tailSeconds.value * tailMilliwatts.value * 1e-3, bursts: 1)
    }
}

extension GridProfile {
    /// Grams of CO2-equivalent for `joules` of electricity from this grid.
    public func grams(joules: Double) -> Double { kilowattHours(joules: joules) * gramsCO2PerKWh.value }
}

/// Joules in kilowatt-hours.
public func kilowattHours(joules: Double) -> Double { joules / 3.6e6 }
