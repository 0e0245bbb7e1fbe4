import CBLAS

/// `rows x inputs` values times an `inputs x outputs` weight matrix plus a bias per output: a dense
/// layer on a batch (a row per sample), or a convolution on its patches (a row per output pixel).
///
/// The products go to OpenBLAS `cblas_sgemm`. The weights are row-major with the biases right after them.
struct LinearMap {
    let inputs: Int
    let outputs: Int

    /// `output = input · weights + bias`, for `rows` rows.
    func forward(rows: Int, input: UnsafePointer<Float>, parameters: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(outputs), Int32(inputs),
            1, input, Int32(inputs), parameters, Int32(outputs), 0, output, Int32(outputs))
        let bias = parameters + inputs * outputs
        for row in 0..<rows {
            let values = output + row * outputs
            for j in 0..<outputs { values[j] += bias[j] }
        }
    }

    /// `inputGradient = outputGradient · weightsᵀ`, for `rows` rows.
    func inputGradient(
        rows: Int, outputGradient: UnsafePointer<Float>, parameters: UnsafePointer<Float>, into inputGradient: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(inputs), Int32(outputs),
            1, outputGradient, Int32(outputs), parameters, Int32(outputs), 0, inputGradient, Int32(inputs))
    }

    /// Folds the weight gradient `inputᵀ · outputGradient` and the bias gradient (column sums of
    /// `outputGradient`) into `target` as `target = keep * target + scale * gradient`.
    func foldParameterGradient(
        rows: Int, input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
        into target: UnsafeMutablePointer<Float>, scale: Float, keep: Float
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inputs), Int32(outputs), Int32(rows),
            scale, input, Int32(inputs), outputGradient, Int32(outputs), keep, target, Int32(outputs))
        // Column sums accumulated row by row, so the loop vectorises.
        let biasTarget = target + inputs * outputs
        for j in 0..<outputs { biasTarget[j] = keep == 0 ? 0 : keep * biasTarget[j] }
        for row in 0..<rows {
            let values = outputGradient + row * outputs
            for j in 0..<outputs { biasTarget[j] += scale * values[j] }
        }
    }
}
