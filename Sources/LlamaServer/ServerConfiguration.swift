/// Where the server listens and how much work it takes on.
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to bind (`127.0.0.1` keeps the server local).
    public var host: String = "127.0.0.1"
    /// The port to bind; 0 picks a free one.
    public var port: Int = 8080
    /// Requests that generate at the same time.
    public var parallel: Int = 1
    /// Requests that may wait for a slot before new ones are refused with 503.
    public var queueLimit: Int = 64
    /// The largest request body accepted; larger ones get 413.
    public var maxBodyBytes: Int = 1 << 20
    /// The most tokens one request may generate (and the default for `max_tokens`); `nil` means
    /// the engine's context size.
    public var maxTokensLimit: Int? = nil

    /// The defaults: `127.0.0.1:8080`, one slot, 64 waiting, 1 MiB bodies.
    public init() {}
}
