/// How far a download has come, as ``HubClient/modelFile(_:progress:)`` reports it: at the
/// start (from the bytes a resumed download already has), at least every MiB, and once at the end.
/// The count only grows, except that it drops to 0 when a server ignores the range a resumed
/// download asks for and the file starts over.
public struct HubDownloadProgress: Sendable, Equatable {
    /// The file in the repository being downloaded.
    public var file: String
    /// The bytes of the file on disk so far, including those of an earlier, interrupted attempt.
    public var receivedBytes: Int64
    /// The file's size, when the hub or the server gave it.
    public var totalBytes: Int64?

    /// A report of `receivedBytes` of `file`, out of `totalBytes` when that is known.
    public init(file: String, receivedBytes: Int64, totalBytes: Int64?) {
        self.file = file
        self.receivedBytes = receivedBytes
        self.totalBytes = totalBytes
    }
}
