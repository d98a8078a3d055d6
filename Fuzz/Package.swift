// swift-tools-version:6.1
// libFuzzer targets, one per parser. Build and run with Fuzz/run.sh (see docs/hardening.md):
//   swift build -c release --product fuzz-csv --sanitize=fuzzer --sanitize=address \
//       -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,trace-cmp    (coverage for the code under test too)
// The `backprop-tui` symlink points at the main package, so its identity is the same in any checkout.
import PackageDescription

let targets = ["idx", "idx-gzip", "csv", "safetensors", "session", "graph", "repl", "cli"]
let package = Package(
    name: "backprop-fuzz",
    dependencies: [.package(path: "backprop-tui")],
    targets: targets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "BackpropLibrary", package: "backprop-tui")],
            path: "Sources/fuzz-\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
