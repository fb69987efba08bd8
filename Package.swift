// swift-tools-version: 6.1
import PackageDescription

// Optional, ISA-specific or system-library features are package traits so that the
// default build stays portable Swift with no system dependencies:
//
//   swift build -c release                                  portable (any x86-64, arm64)
//   swift build -c release --traits AVX512VNNI \
//       -Xswiftc -target-cpu -Xswiftc native                native x86 kernels (README)
let package = Package(
    name: "LlamaSwift",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "LlamaSwift", targets: ["LlamaSwift"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .executable(name: "gguf-inspect", targets: ["gguf-inspect"]),
        .executable(name: "llama-swift", targets: ["llama-swift"]),
        .executable(name: "llama-swift-bench", targets: ["llama-swift-bench"]),
    ],
    traits: [
        .trait(
            name: "AVX512VNNI",
            description: "x86-64 kernels using AVX-512 VNNI intrinsics. Build with -target-cpu set to a CPU that has them."
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "GGUF"),
        .target(
            name: "LlamaKernels",
            dependencies: ["GGUF"],
            swiftSettings: [.define("LLAMA_AVX512_VNNI", .when(traits: ["AVX512VNNI"]))]
        ),
        .target(name: "LlamaTokenizer", dependencies: ["GGUF"]),
        .target(
            name: "LlamaSwift",
            dependencies: [
                "GGUF", "LlamaKernels", "LlamaTokenizer",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "gguf-inspect",
            dependencies: ["GGUF", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "llama-swift",
            dependencies: [
                "LlamaSwift", "LlamaTokenizer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "llama-swift-bench",
            dependencies: ["LlamaSwift", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/llama-swift-bench"
        ),
        .executableTarget(
            name: "kernel-bench",
            dependencies: ["LlamaKernels", "GGUF"],
            path: "Benchmarks/kernel-bench"
        ),
        .executableTarget(
            name: "tokenizer-bench",
            dependencies: ["LlamaTokenizer", "GGUF"],
            path: "Benchmarks/tokenizer-bench"
        ),
        .target(name: "FixtureSupport", path: "Tests/FixtureSupport"),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "FixtureSupport"]),
        .testTarget(name: "LlamaKernelsTests", dependencies: ["LlamaKernels", "GGUF", "FixtureSupport"]),
        .testTarget(name: "LlamaTokenizerTests", dependencies: ["LlamaTokenizer", "GGUF", "FixtureSupport"]),
        .testTarget(name: "LlamaSwiftTests", dependencies: ["LlamaSwift", "GGUF", "FixtureSupport"]),
    ]
)
