// swift-tools-version: 6.0
// Benchmarks live in their own package so that building and testing FedWatt never compiles them.
import PackageDescription

let package = Package(
    name: "FedWattBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        // `FedWatt` is a link to `..`: it gives the parent package a fixed identity, whatever its folder is called.
        .package(path: "FedWatt"),
    ],
    targets: [
        .executableTarget(
            name: "codec-benchmark",
            dependencies: [
                .product(name: "FedCodec", package: "FedWatt"),
                .product(name: "FedData", package: "FedWatt"),
                .product(name: "FedLearning", package: "FedWatt"),
                .product(name: "FedZlib", package: "FedWatt"),
            ]
        ),
        .executableTarget(
            name: "train-benchmark",
            dependencies: [
                .product(name: "FedData", package: "FedWatt"),
                .product(name: "FedLearning", package: "FedWatt"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
