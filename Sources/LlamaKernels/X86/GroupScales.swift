#if LLAMA_AVX2
import _Builtin_intrinsics.intel

/// The sixteen sub-block scales of a K-quant block with 16-weight groups (Q2_K, Q3_K, Q6_K),
/// widened once per block so that a step's two scales take one instruction: step `s` covers 32
/// weights, groups `2s` and `2s + 1`, whose products land in lanes 0–3 and 4–7 of the step's
/// `dpbusd` result (see ``accumulate(_:_:_:scales:)``).
struct GroupScales {
    #if LLAMA_AVX512_VNNI
    /// Scales 0–7 and 8–15 in Int32 lanes.
    let first: __m256i, second: __m256i
    #else
    /// The even scales in the Int16 lanes of the low half, the odd ones in the high half, so that
    /// step `s`'s pair is lane `s` of each half: one in-lane byte shuffle with a constant mask.
    let evenOdd: __m256i
    #endif

    /// The scales as sixteen signed bytes.
    @inline(__always)
    init(signed bytes: __m128i) {
        #if LLAMA_AVX512_VNNI
        first = _mm256_cvtepi8_epi32(bytes)
        second = _mm256_cvtepi8_epi32(_mm_unpackhi_epi64(bytes, bytes))
        #else
        evenOdd = _mm256_cvtepi8_epi16(Self.evensThenOdds(bytes))
        #endif
    }

    /// The scales as sixteen unsigned bytes.
    @inline(__always)
    init(unsigned bytes: __m128i) {
        #if LLAMA_AVX512_VNNI
        first = _mm256_cvtepu8_epi32(bytes)
        second = _mm256_cvtepu8_epi32(_mm_unpackhi_epi64(bytes, bytes))
        #else
        evenOdd = _mm256_cvtepu8_epi16(Self.evensThenOdds(bytes))
        #endif
    }

    #if LLAMA_AVX512_VNNI
    private init(first: __m256i, second: __m256i) {
        self.first = first
        self.second = second
    }
    #else
    private init(evenOdd: __m256i) { self.evenOdd = evenOdd }

    /// Bytes 0, 2, …, 14 then 1, 3, …, 15 of `bytes`.
    @inline(__always)
    private static func evensThenOdds(_ bytes: __m128i) -> __m128i {
        _mm_shuffle_epi8(bytes, _mm_set_epi64x(0x0F0D_0B09_0705_0301, 0x0E0C_0A08_0604_0200))
    }
    #endif

    /// Every scale times 2^`count`: for codes extracted in place, `count` bits up.
    @inline(__always)
    func shifted(_ count: Int32) -> GroupScales {
        #if LLAMA_AVX512_VNNI
        GroupScales(first: _mm256_slli_epi32(first, count), second: _mm256_slli_epi32(second, count))
        #else
        GroupScales(evenOdd: _mm256_slli_epi16(evenOdd, count))
        #endif
    }

    /// Step `s`'s scales laid out for ``accumulate(_:_:_:scales:)``: scale `2s` in the lanes of
    /// the first 16 weights, scale `2s + 1` in those of the second.
    @inline(__always)
    func lanes(_ s: Int) -> __m256i {
        #if LLAMA_AVX512_VNNI
        let k = Int32(2 * s % 8)
        return _mm256_permutevar8x32_epi32(s < 4 ? first : second, _mm256_setr_epi32(k, k, k, k, k + 1, k + 1, k + 1, k + 1))
        #else
        _mm256_shuffle_epi8(evenOdd, _mm256_set1_epi16(Int16(2 * s) | Int16(2 * s + 1) << 8))
        #endif
    }
}

/// What the steps of a K-quant block with sixteen 16-weight groups share.
struct GroupHeader {
    /// The group scales.
    let scales: GroupScales
    /// The sixteen Int16 weights of the block's group sums (``KQuantBlock/groupWeights(_:)``).
    let groupWeights: __m256i

    /// From sixteen signed scale bytes, which also weight the group sums.
    @inline(__always)
    init(signed bytes: __m128i) {
        scales = GroupScales(signed: bytes)
        groupWeights = _mm256_cvtepi8_epi16(bytes)
    }

    @inline(__always)
    init(scales: GroupScales, groupWeights: __m256i) {
        self.scales = scales
        self.groupWeights = groupWeights
    }
}
#endif
