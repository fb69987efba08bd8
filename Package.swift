// swift-tools-version: 6.1
import PackageDescription

// Optional, ISA-specific or system-library features are package traits so that the
// default build stays portable Swift with no system dependencies:
//
//   swift build -c release                                  portable (any x86-64, arm64)
//   swift build -c release --traits AVX2 \
//       -Xswiftc -target-cpu -Xswiftc native                native x86 kernels (README; AVX512VNNI
//                                                           where the CPU has it)
//   swift build --traits Vulkan                             Vulkan compute backend (headers: libvulkan-dev)
let package = Package(
    name: "LlamaSwift",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "LlamaSwift", targets: ["LlamaSwift"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "Jinja", targets: ["Jinja"]),
        .library(name: "LlamaVulkan", targets: ["LlamaVulkan"]),
        .library(name: "LlamaServer", targets: ["LlamaServer"]),
        .library(name: "LlamaGrammar", targets: ["LlamaGrammar"]),
        .library(name: "LlamaHub", targets: ["LlamaHub"]),
        // The C API (Sources/LlamaSwiftC/include/llama_swift.h) as a shared library for other languages.
        .library(name: "LlamaSwiftC", type: .dynamic, targets: ["LlamaSwiftC"]),
        .executable(name: "gguf-inspect", targets: ["gguf-inspect"]),
        .executable(name: "llama-swift", targets: ["llama-swift"]),
        .executable(name: "llama-swift-bench", targets: ["llama-swift-bench"]),
    ],
    traits: [
        .trait(
            name: "BLAS",
            description: "Prompt batches through OpenBLAS SGEMM on dequantized weight tiles (Linux: libopenblas-dev)."
        ),
        .trait(
            name: "AVX2",
            description: "x86-64 kernels using AVX2, FMA and F16C intrinsics. Build with -target-cpu set to a CPU that has them."
        ),
        .trait(
            name: "AVX512VNNI",
            description: "The AVX2 kernels with AVX-512 VNNI multiply-adds. Build with -target-cpu set to a CPU that has them.",
            enabledTraits: ["AVX2"]
        ),
        .trait(
            name: "Fuzzing",
            description: "llama-swift-fuzz as libFuzzer targets; build with --sanitize=fuzzer (Scripts/fuzz.sh). Without it, the tool replays inputs."
        ),
        .trait(
            name: "Vulkan",
            description: "The Vulkan compute backend (LlamaVulkan). Building needs the Vulkan headers (apt: libvulkan-dev); the loader is opened at run time."
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        .target(name: "GGUF"),
        // GBNF grammars, JSON Schema conversion and the token-mask matcher for constrained sampling.
        .target(name: "LlamaGrammar"),
        .executableTarget(name: "grammar-bench", dependencies: ["LlamaGrammar"], path: "Benchmarks/grammar-bench"),
        // Jinja chat templates as Python jinja2 renders them for Hugging Face transformers; no dependencies.
        .target(name: "Jinja"),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(name: "CPrefetch"),
        .target(
            name: "LlamaKernels",
            dependencies: ["GGUF", "CPrefetch", .target(name: "CBLAS", condition: .when(traits: ["BLAS"]))],
            swiftSettings: [
                .define("LLAMA_AVX2", .when(traits: ["AVX2"])),
                .define("LLAMA_AVX512_VNNI", .when(traits: ["AVX512VNNI"])),
                .define("LLAMA_BLAS", .when(traits: ["BLAS"])),
            ]
        ),
        .target(name: "LlamaTokenizer", dependencies: ["GGUF", "Jinja"]),
        // The Vulkan headers (apt: libvulkan-dev), only with the Vulkan trait. Nothing links the
        // loader: LlamaVulkan opens it at run time, so a Vulkan build starts without one.
        .systemLibrary(name: "CVulkan", path: "Sources/CVulkan"),
        .target(
            name: "LlamaVulkan",
            dependencies: [
                "GGUF", "LlamaKernels",
                .target(name: "CVulkan", condition: .when(traits: ["Vulkan"])),
            ],
            exclude: ["Shaders"],
            swiftSettings: [.define("LLAMA_VULKAN", .when(traits: ["Vulkan"]))]
        ),
        .target(
            name: "LlamaSwift",
            dependencies: [
                "GGUF", "LlamaGrammar", "LlamaKernels", "LlamaTokenizer", "LlamaVulkan",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.define("LLAMA_AVX2", .when(traits: ["AVX2"]))]
        ),
        // Models from Hugging Face: download into a local cache, resumable and checksummed.
        .target(name: "LlamaHub", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // The C API over LlamaSwift; its header is in include/ and is not a source of the target.
        .target(
            name: "LlamaSwiftC",
            dependencies: ["LlamaSwift", "LlamaHub", .product(name: "Logging", package: "swift-log")],
            exclude: ["include"]
        ),
        // The OpenAI-compatible HTTP server behind `llama-swift serve`.
        .target(
            name: "LlamaServer",
            dependencies: [
                "LlamaSwift", "LlamaTokenizer",
                .product(name: "Hummingbird", package: "hummingbird"),
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
                "LlamaSwift", "LlamaServer", "LlamaTokenizer", "LlamaKernels", "GGUF", "LlamaHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The fuzz targets: libFuzzer entry with the Fuzzing trait, a replayer of saved inputs without.
        .executableTarget(
            name: "llama-swift-fuzz",
            dependencies: [
                "GGUF", "Jinja", "LlamaGrammar", "LlamaServer", "LlamaSwift", "LlamaTokenizer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.define("LLAMA_FUZZ", .when(traits: ["Fuzzing"]))]
        ),
        .executableTarget(
            name: "llama-swift-bench",
            dependencies: [
                "LlamaSwift", "LlamaKernels", "GGUF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/llama-swift-bench"
        ),
        .executableTarget(
            name: "kernel-bench",
            dependencies: ["LlamaKernels", "GGUF"],
            path: "Benchmarks/kernel-bench"
        ),
        .executableTarget(name: "jinja-bench", dependencies: ["Jinja"], path: "Benchmarks/jinja-bench"),
        .executableTarget(
            name: "tokenizer-bench",
            dependencies: ["LlamaTokenizer", "GGUF"],
            path: "Benchmarks/tokenizer-bench"
        ),
        .target(name: "FixtureSupport", path: "Tests/FixtureSupport"),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "FixtureSupport"]),
        .testTarget(name: "LlamaGrammarTests", dependencies: ["LlamaGrammar", "LlamaSwift", "FixtureSupport"]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "FixtureSupport"]),
        .testTarget(name: "LlamaKernelsTests", dependencies: ["LlamaKernels", "GGUF", "FixtureSupport"]),
        .testTarget(name: "LlamaTokenizerTests", dependencies: ["LlamaTokenizer", "GGUF", "Jinja", "FixtureSupport"]),
        // Depends on llama-swift so that its -hf test finds the executable built.
        .testTarget(name: "LlamaHubTests", dependencies: ["LlamaHub", "FixtureSupport", "llama-swift"]),
        .testTarget(name: "LlamaSwiftTests", dependencies: ["LlamaSwift", "GGUF", "FixtureSupport"]),
        .testTarget(
            name: "LlamaServerTests",
            dependencies: [
                "LlamaServer", "LlamaSwift", "LlamaTokenizer", "FixtureSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LlamaVulkanTests",
            dependencies: ["LlamaVulkan", "LlamaKernels", "GGUF", "FixtureSupport"],
            swiftSettings: [.define("LLAMA_VULKAN", .when(traits: ["Vulkan"]))]
        ),
        // Runs the built executables; depending on them makes `swift test` build them first.
        .testTarget(
            name: "ToolTests",
            dependencies: ["FixtureSupport", "GGUF", "Jinja", "LlamaSwift", "gguf-inspect", "llama-swift", "llama-swift-fuzz"]),
    ]
)
