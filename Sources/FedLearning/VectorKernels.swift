/// Element-wise loops written with explicit SIMD vectors, where the optimizer does not vectorise
/// the plain loop by itself (it keeps a branch per element).
enum VectorKernels {
    /// `values[i] = 0` wherever `reference[i] <= 0`: the ReLU derivative applied to a gradient.
    static func zeroWhereNotPositive(_ values: UnsafeMutablePointer<Float>, reference: UnsafePointer<Float>, count: Int) {
        typealias Vector = SIMD16<Float>
        var i = 0
        while i + Vector.scalarCount <= count {
            let gate = UnsafeRawPointer(reference + i).loadUnaligned(as: Vector.self)
            var chunk = UnsafeRawPointer(values + i).loadUnaligned(as: Vector.self)
            chunk.replace(with: 0, where: gate .<= 0)
            UnsafeMutableRawPointer(values + i).storeBytes(of: chunk, as: Vector.self)
            i += Vector.scalarCount
        }
        while i < count {
            if reference[i] <= 0 { values[i] = 0 }
            i += 1
        }
    }
}
