/// The keys and values of every position seen so far, for every layer, in F32.
///
/// One allocation made up front, laid out `[layer][position][keyValueDimension]` for the keys and
/// the same again for the values, so attention reads each head's history contiguously per position.
/// The memory is left uninitialised (a position is always written before it is read), so the
/// operating system only commits the pages a sequence actually reaches.
final class KeyValueCache {
    /// Positions the cache can hold.
    let capacity: Int
    /// Floats per position per layer (key/value heads × head width).
    let width: Int
    private let layers: Int
    private let storage: UnsafeMutableBufferPointer<Float>

    init(layers: Int, capacity: Int, width: Int) {
        self.layers = layers
        self.capacity = capacity
        self.width = width
        storage = .allocate(capacity: 2 * layers * capacity * width)
    }

    deinit { storage.deallocate() }

    /// Bytes held.
    var byteCount: Int { storage.count * MemoryLayout<Float>.stride }

    /// The key vector of `position` in `layer`.
    @inline(__always)
    func keys(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        storage.baseAddress! + (layer * capacity + position) * width
    }

    /// The value vector of `position` in `layer`.
    @inline(__always)
    func values(layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
        storage.baseAddress! + ((layers + layer) * capacity + position) * width
    }
}
