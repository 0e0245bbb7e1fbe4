// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "FedWatt",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "FedZlib", targets: ["FedZlib"]),
        .library(name: "FedData", targets: ["FedData"]),
        .library(name: "FedLearning", targets: ["FedLearning"]),
        .executable(name: "fedwatt", targets: ["fedwatt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C shims over Debian's libraries.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Libraries, lowest layer first.
        .target(name: "FedZlib", dependencies: ["CZlib"]),
        .target(name: "FedData", dependencies: ["FedZlib"]),
        .target(name: "FedLearning", dependencies: ["FedData", "CBLAS"]),

        // Executables.
        .executableTarget(
            name: "fedwatt",
            dependencies: [
                "FedData", "FedLearning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Tests.
        .testTarget(name: "FedZlibTests", dependencies: ["FedZlib"]),
        .testTarget(name: "FedDataTests", dependencies: ["FedData", "FedZlib"]),
        .testTarget(name: "FedLearningTests", dependencies: ["FedLearning", "FedData"]),
    ],
    swiftLanguageModes: [.v6]
)
