// swift-tools-version: 6.0
// The libFuzzer target over FedWatt's decoders, in its own package so normal builds never compile it
// with sanitizers. Build and run: bash Fuzz/run-fuzz.sh [SECONDS]
import PackageDescription

let package = Package(
    name: "FedWattFuzz",
    dependencies: [
        // `FedWatt` is a link to `..`: it gives the parent package a fixed identity, whatever its folder is called.
        .package(path: "FedWatt"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "fuzz-decoders",
            dependencies: [
                .product(name: "FedWire", package: "FedWatt"),
                .product(name: "FedCodec", package: "FedWatt"),
                .product(name: "FedCoordinator", package: "FedWatt"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fuzz-updates",
            dependencies: [
                .product(name: "FedWire", package: "FedWatt"),
                .product(name: "FedCodec", package: "FedWatt"),
                .product(name: "FedCoordinator", package: "FedWatt"),
                .product(name: "FedData", package: "FedWatt"),
                .product(name: "FedLearning", package: "FedWatt"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "make-fuzz-corpus",
            dependencies: [
                .product(name: "FedWire", package: "FedWatt"),
                .product(name: "FedCodec", package: "FedWatt"),
                .product(name: "FedData", package: "FedWatt"),
                .product(name: "FedCoordinator", package: "FedWatt"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
