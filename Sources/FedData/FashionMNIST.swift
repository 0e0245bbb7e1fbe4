import Foundation

/// Loads Fashion-MNIST (Xiao et al. 2017) from its four IDX files, as Debian's
/// `dataset-fashion-mnist` package installs them.
public enum FashionMNIST {
    /// Which half of the dataset to load.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training images.
        case train
        /// 10,000 test images.
        case test

        var fileStem: String { self == .train ? "train" : "t10k" }
    }

    /// Where Debian installs the dataset.
    public static let debianDirectory = "/usr/share/datasets/fashion-mnist"

    /// The environment variable that overrides ``debianDirectory``.
    public static let directoryEnvironmentVariable = "FEDWATT_DATA_DIR"

    /// The directory to read: `explicit` if given, else `$FEDWATT_DATA_DIR`, else ``debianDirectory``.
    public static func directory(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment[directoryEnvironmentVariable],
            !fromEnvironment.isEmpty
        {
            return fromEnvironment
        }
        return debianDirectory
    }

    /// Loads one split from `directory`, accepting `NAME-idx?-ubyte.gz` or the uncompressed `NAME-idx?-ubyte`.
    public static func load(_ split: Split, from directory: String = directory()) throws -> Dataset {
        let images = try IDXFile.read(path: try locate("\(split.fileStem)-images-idx3-ubyte", in: directory))
        let labels = try IDXFile.read(path: try locate("\(split.fileStem)-labels-idx1-ubyte", in: directory))
        let imagePath = "\(directory)/\(split.fileStem)-images-idx3-ubyte"
        guard images.dimensions.count == 3, images.dimensions[1] > 0, images.dimensions[2] > 0 else {
            throw IDXError(file: imagePath, problem: .unexpectedShape("dimensions \(images.dimensions), expected 3 with images of at least 1x1"))
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == images.dimensions[0] else {
            throw IDXError(
                file: "\(directory)/\(split.fileStem)-labels-idx1-ubyte",
                problem: .unexpectedShape("labels \(labels.dimensions) do not match \(images.dimensions[0]) images"))
        }
        do {
            return try Dataset(
                sampleShape: SampleShape(height: images.dimensions[1], width: images.dimensions[2], channels: 1), classCount: 10,
                pixels: images.data, labels: labels.data)
        } catch let error as DatasetError {
            throw IDXError(file: imagePath, problem: .unexpectedShape(error.description))
        }
    }

    /// Loads only one split's labels from `directory` (what a partition needs, without the images).
    public static func loadLabels(_ split: Split, from directory: String = directory()) throws -> [UInt8] {
        let path = try locate("\(split.fileStem)-labels-idx1-ubyte", in: directory)
        let labels = try IDXFile.read(path: path)
        guard labels.dimensions.count == 1 else {
            throw IDXError(file: path, problem: .unexpectedShape("\(labels.dimensions.count) dimensions, expected 1"))
        }
        return labels.data
    }

    private static func locate(_ name: String, in directory: String) throws -> String {
        for candidate in ["\(directory)/\(name).gz", "\(directory)/\(name)"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw DatasetError.missing(
            directory: directory, file: "\(name).gz",
            hint: "install it with `apt-get install dataset-fashion-mnist`, or point --data-dir or "
                + "\(directoryEnvironmentVariable) at a folder holding the four Fashion-MNIST IDX files")
    }
}
