import Foundation

extension Kernels {
    /// The CPU features this build's kernels were compiled to use, in Linux `/proc/cpuinfo`
    /// spelling. Empty for the portable build, which runs on any x86-64 or arm64 CPU.
    public static var requiredCPUFeatures: [String] {
        #if LLAMA_AVX512_VNNI
        ["avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"]
        #elseif LLAMA_AVX2
        ["avx2", "fma", "f16c"]
        #else
        []
        #endif
    }

    /// Checks that this CPU has every feature the build assumed (see ``requiredCPUFeatures``).
    /// Call it once at startup, before the first kernel runs: a build made with
    /// `--traits AVX2` or `--traits AVX512VNNI` and `-Xswiftc -target-cpu -Xswiftc native` stops
    /// with an illegal instruction on a CPU without those instructions.
    ///
    /// - Throws: ``KernelError/unsupportedCPU(_:)`` naming the missing features, or saying that
    ///   the features could not be read.
    public static func checkCPUSupport() throws(KernelError) {
        let required = requiredCPUFeatures
        guard !required.isEmpty else { return }
        guard let present = cpuFeatures() else {
            throw .unsupportedCPU("this build needs \(required.joined(separator: ", ")) but the CPU's features could not be read; use the portable build (without --traits AVX2 or AVX512VNNI)")
        }
        let missing = required.filter { !present.contains($0) }
        guard missing.isEmpty else {
            throw .unsupportedCPU("this build's native x86 kernels need \(required.joined(separator: ", ")) but the CPU lacks \(missing.joined(separator: ", ")); rebuild with Scripts/native-flags.sh on this machine, or without --traits AVX2/AVX512VNNI for the portable build")
        }
    }

    /// The CPU's feature flags: from `/proc/cpuinfo` on Linux; on macOS from the
    /// `hw.optional.*` sysctls, renamed to the Linux spelling.
    static func cpuFeatures() -> Set<String>? {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              // "flags" on x86, "Features" on arm64.
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") || $0.hasPrefix("Features") }),
              let colon = line.firstIndex(of: ":")
        else { return nil }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        #elseif canImport(Darwin)
        let names = [
            "avx2_0": "avx2", "fma": "fma", "f16c": "f16c", "avx512f": "avx512f", "avx512bw": "avx512bw",
            "avx512vl": "avx512vl", "avx512vnni": "avx512_vnni",
        ]
        var present = Set<String>()
        for (sysctl, flag) in names {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            if sysctlbyname("hw.optional.\(sysctl)", &value, &size, nil, 0) == 0, value != 0 { present.insert(flag) }
        }
        return present
        #else
        return nil
        #endif
    }
}
