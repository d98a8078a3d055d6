// swift-tools-version:6.1
import PackageDescription

/// Kernels are built for this machine's CPU: without it Swift's SIMD types are scalarised
/// (measured 0.7 vs 160 GFLOP/s, see shared notes). -Ounchecked only where the hot loops live.
let nativeCPU: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=native"])]
/// The engine is generic over Float/Double: let clients specialise it (otherwise every `+` is a witness call).
/// (Debug builds compile file by file and cannot specialise across files: the tests, which train
/// real models, are therefore run as `swift test -c release -Xswiftc -enable-testing`.)
let generic: [SwiftSetting] = nativeCPU + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=native"]),
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "backprop-tui",
    products: [
        .executable(name: "backprop-tui", targets: ["backprop-tui"]),
        /// The core, I/O and explorer as a library (for the fuzz targets in Fuzz/).
        .library(name: "BackpropLibrary", targets: ["BackpropCore", "BackpropData", "BackpropTraining", "BackpropIO", "BackpropExplorer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .target(name: "CSupport"),
        .target(name: "BackpropKernels", dependencies: ["CSupport"], exclude: ["README.md"], swiftSettings: kernelFlags),
        .target(name: "BackpropCore", dependencies: ["BackpropKernels"], exclude: ["README.md"], swiftSettings: generic),
        .target(name: "BackpropData", dependencies: ["BackpropCore", "CSupport"], exclude: ["README.md"], swiftSettings: generic),
        .target(name: "BackpropTraining", dependencies: ["BackpropCore", "BackpropData", "BackpropKernels"], exclude: ["README.md"], swiftSettings: generic),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "BackpropIO", dependencies: ["BackpropCore", "BackpropData", "BackpropTraining", "BackpropKernels", "CZlib", "CSupport"], exclude: ["README.md"], swiftSettings: generic),
        .target(name: "BackpropExplorer", dependencies: ["BackpropCore", "BackpropData", "BackpropTraining"], exclude: ["README.md"], swiftSettings: generic),
        .systemLibrary(name: "CNcurses"),
        .executableTarget(
            name: "backprop-tui",
            dependencies: [
                "BackpropCore", "BackpropData", "BackpropTraining", "BackpropIO", "BackpropKernels", "BackpropExplorer", "CNcurses",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"],
            swiftSettings: generic),
        /// The plain-loop oracle (no code shared with the engine), for the core's and the CLI's tests.
        .target(name: "PlainLoopOracle", path: "Tests/PlainLoopOracle"),
        /// Test helpers shared by the test targets.
        .target(name: "TestSupport", dependencies: ["BackpropCore", "BackpropIO"], path: "Tests/TestSupport"),
        .testTarget(name: "BackpropCoreTests", dependencies: ["BackpropCore", "BackpropData", "BackpropTraining", "BackpropIO", "PlainLoopOracle", "TestSupport"], swiftSettings: nativeCPU),
        .executableTarget(name: "backprop-bench", dependencies: ["BackpropCore", "BackpropData", "BackpropTraining", "BackpropKernels", "BackpropIO", "BackpropExplorer"], swiftSettings: generic),
        .testTarget(name: "CLITests", dependencies: ["BackpropData", "BackpropTraining", "BackpropIO", "CZlib", "BackpropExplorer", "backprop-tui", "PlainLoopOracle", "TestSupport"], swiftSettings: nativeCPU),
        .testTarget(name: "BackpropExplorerTests", dependencies: ["BackpropExplorer", "BackpropData", "BackpropTraining", "BackpropIO", "TestSupport"], resources: [.copy("Golden")], swiftSettings: nativeCPU),
        .testTarget(name: "BackpropIOTests", dependencies: ["BackpropIO", "BackpropData", "CZlib", "TestSupport"], resources: [.copy("Fixtures")], swiftSettings: nativeCPU),
    ]
)
