import FedData
import FedZlib
import Foundation
import Testing

@Suite struct FashionMNISTTests {
    @Test func missingDatasetSaysHowToInstallIt() {
        #expect { try FashionMNIST.load(.test, from: "/nonexistent/fashion") } throws: { error in
            guard let error = error as? DatasetError, case .missing(let directory, let file, _) = error else { return false }
            return directory == "/nonexistent/fashion" && file == "t10k-images-idx3-ubyte.gz"
                && error.description.contains("apt-get install dataset-fashion-mnist")
        }
    }

    @Test func explicitDirectoryWinsOverTheDefault() {
        #expect(FashionMNIST.directory(explicit: "/data/here") == "/data/here")
    }

    @Test func loadsUncompressedFilesFromAnyDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-fm-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pixels = (0..<(3 * 28 * 28)).map { UInt8($0 % 256) }
        try Data(idxBytes(dimensions: [3, 28, 28], data: pixels))
            .write(to: directory.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(try Zlib.compress(idxBytes(dimensions: [3], data: [9, 0, 4]), format: .gzip))
            .write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let dataset = try FashionMNIST.load(.test, from: directory.path)
        #expect(dataset.count == 3 && dataset.featureCount == 784 && dataset.labels == [9, 0, 4])
        #expect(dataset.pixels == pixels)
    }

    @Test func rejectsLabelCountThatDisagreesWithImages() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-fm-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(idxBytes(dimensions: [2, 28, 28], data: [UInt8](repeating: 1, count: 2 * 784)))
            .write(to: directory.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(idxBytes(dimensions: [3], data: [1, 2, 3])).write(to: directory.appendingPathComponent("t10k-labels-idx1-ubyte"))
        #expect(throws: IDXError.self) { try FashionMNIST.load(.test, from: directory.path) }
    }

    /// The Debian package, which the README's commands and CI install.
    @Test func loadsTheInstalledTestSplit() throws {
        let test = try FashionMNIST.load(.test, from: FashionMNIST.debianDirectory)
        #expect(test.count == 10_000 && test.featureCount == 784 && test.classCount == 10)
        #expect(test.classHistogram() == Array(repeating: 1000, count: 10))
    }
}
