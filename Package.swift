// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "FedWatt",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "FedZlib", targets: ["FedZlib"]),
        .library(name: "FedData", targets: ["FedData"]),
        .library(name: "FedLearning", targets: ["FedLearning"]),
        .library(name: "FedCodec", targets: ["FedCodec"]),
        .library(name: "FedEnergy", targets: ["FedEnergy"]),
        .library(name: "FedFleet", targets: ["FedFleet"]),
        .library(name: "FedWire", targets: ["FedWire"]),
        .library(name: "FedLedger", targets: ["FedLedger"]),
        .library(name: "FedMetrics", targets: ["FedMetrics"]),
        .library(name: "FedCoordinator", targets: ["FedCoordinator"]),
        .library(name: "FedClient", targets: ["FedClient"]),
        .library(name: "FedReport", targets: ["FedReport"]),
        .executable(name: "fedwatt", targets: ["fedwatt"]),
        .executable(name: "fedwatt-coordinator", targets: ["fedwatt-coordinator"]),
        .executable(name: "fedwatt-client", targets: ["fedwatt-client"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C shims over Debian's libraries.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Libraries, lowest layer first.
        .target(name: "FedZlib", dependencies: ["CZlib"]),
        .target(name: "FedData", dependencies: ["FedZlib"]),
        .target(name: "FedLearning", dependencies: ["FedData", "FedCodec", "CBLAS"]),
        .target(name: "FedCodec", dependencies: ["FedZlib"]),
        .target(name: "FedEnergy", resources: [.copy("Resources/profiles.json")]),
        // Fleets: classes of devices on links, their speeds and availability, resolved per client.
        .target(name: "FedFleet", dependencies: ["FedData", "FedEnergy"], resources: [.copy("Resources/fleets")]),
        // The ledger's records and files: what the coordinator writes and the report reads, no I/O stack.
        .target(name: "FedLedger", dependencies: ["FedCodec", "FedEnergy", "FedFleet", "FedLearning"]),
        .target(
            name: "FedWire",
            dependencies: [
                "FedCodec", "FedZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),

        // The coordinator's metrics, and the endpoint a Prometheus server scrapes.
        .target(
            name: "FedMetrics",
            dependencies: [
                "FedLedger", "FedWire",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        .target(
            name: "FedCoordinator",
            dependencies: [
                "FedCodec", "FedData", "FedEnergy", "FedFleet", "FedLearning", "FedLedger", "FedMetrics", "FedWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),

        .target(
            name: "FedClient",
            dependencies: [
                "FedCodec", "FedData", "FedLearning", "FedWire",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Clients/FedClient"
        ),

        .target(name: "FedReport", dependencies: ["FedCodec", "FedEnergy", "FedLearning", "FedLedger"]),
        .target(
            name: "FedCommandLine",
            dependencies: [
                "FedClient", "FedCodec", "FedCoordinator", "FedData", "FedEnergy", "FedFleet", "FedLearning", "FedWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Executables.
        .executableTarget(
            name: "fedwatt",
            dependencies: [
                "FedClient", "FedCodec", "FedCommandLine", "FedCoordinator", "FedData", "FedEnergy", "FedFleet", "FedLearning", "FedLedger", "FedReport", "FedWire",
                "FedZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fedwatt-coordinator",
            dependencies: [
                "FedCommandLine", "FedCoordinator", "FedData", "FedFleet", "FedLearning", "FedLedger", "FedMetrics", "FedWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fedwatt-client",
            dependencies: [
                "FedClient", "FedCommandLine", "FedData", "FedWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Clients/fedwatt-client"
        ),

        // Tests.
        .testTarget(name: "FedZlibTests", dependencies: ["FedZlib", "FedData", "CZlib"]),
        .testTarget(name: "FedDataTests", dependencies: ["FedData", "FedZlib"]),
        .testTarget(name: "FedLearningTests", dependencies: ["FedLearning", "FedData"]),
        .testTarget(
            name: "FedWireTests",
            dependencies: [
                "FedWire", "FedCodec",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "FedCoordinatorTests",
            dependencies: [
                "FedCoordinator", "FedCodec", "FedData", "FedEnergy", "FedLearning", "FedLedger", "FedMetrics", "FedWire",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "FedCodecTests", dependencies: ["FedCodec", "FedData", "FedZlib"]),
        .testTarget(name: "FedEnergyTests", dependencies: ["FedEnergy"]),
        .testTarget(name: "FedFleetTests", dependencies: ["FedFleet", "FedEnergy"]),
        .testTarget(
            name: "FedWattIntegrationTests",
            dependencies: [
                "FedClient", "FedCodec", "FedCommandLine", "FedCoordinator", "FedData", "FedEnergy", "FedFleet", "FedLearning", "FedLedger",
                "FedMetrics", "FedReport", "FedWire", "fedwatt", "fedwatt-coordinator", "fedwatt-client",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
