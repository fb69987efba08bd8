import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Streams a download's body into its ``PartialFile``, hashing it on the way and reporting
/// progress; checks the response head first, so that only the bytes meant for the file reach it.
final class DownloadSink: BodySink {
    /// What the response head said about the body.
    enum Start: Equatable {
        /// No response yet.
        case none
        /// The body is the file from byte 0 (200; a range the server ignored starts over).
        case whole
        /// The body continues the partial file (206 from where it ends).
        case resumed
        /// A 206 that does not start where the partial file ends.
        case wrongRange(String?)
        /// Any other status: a redirect or an error, with no body for the file.
        case other
    }

    private let file: PartialFile
    private(set) var hasher: SHA256
    private(set) var start = Start.none
    /// The write that failed, which stopped the transfer.
    private(set) var writeFailure: HubError?
    /// The file's size, from the hub or, failing that, from the response head.
    private(set) var totalBytes: Int64?
    private let reportProgress: (Int64, Int64?) -> Void
    private var lastReported: Int64

    /// How many new bytes make a progress report.
    static let progressInterval: Int64 = 1 << 20

    init(file: PartialFile, hasher: SHA256, totalBytes: Int64?, reportProgress: @escaping (Int64, Int64?) -> Void) {
        self.file = file
        self.hasher = hasher
        self.totalBytes = totalBytes
        self.reportProgress = reportProgress
        lastReported = file.size
    }

    func begin(_ response: HTTPURLResponse) -> Bool {
        let length = response.value(forHTTPHeaderField: "Content-Length").flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        switch response.statusCode {
        case 200:
            if file.size > 0 {
                do {
                    try file.truncate()
                } catch {
                    writeFailure = error
                    return false
                }
                hasher = SHA256()
                lastReported = 0
            }
            start = .whole
            if totalBytes == nil { totalBytes = length }
        case 206:
            let contentRange = response.value(forHTTPHeaderField: "Content-Range")
            guard let range = contentRange.flatMap(Self.parseContentRange), range.first == file.size else {
                start = .wrongRange(contentRange)
                return false
            }
            start = .resumed
            if totalBytes == nil { totalBytes = range.total ?? length.map { $0 + file.size } }
        default:
            start = .other
            return false
        }
        reportProgress(file.size, totalBytes)
        return true
    }

    func receive(_ data: Data) -> Bool {
        do {
            try file.append(data)
        } catch {
            writeFailure = error
            return false
        }
        hasher.update(data)
        if file.size - lastReported >= Self.progressInterval {
            lastReported = file.size
            reportProgress(file.size, totalBytes)
        }
        return true
    }

    /// The first byte and the total of `bytes FIRST-LAST/TOTAL` (TOTAL may be `*`).
    static func parseContentRange(_ header: String) -> (first: Int64, total: Int64?)? {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6).split(separator: "/", maxSplits: 1)
        guard spec.count == 2, let dash = spec[0].firstIndex(of: "-"),
              let first = Int64(spec[0][..<dash].trimmingCharacters(in: .whitespaces)) else { return nil }
        return (first, Int64(spec[1].trimmingCharacters(in: .whitespaces)))
    }
}
