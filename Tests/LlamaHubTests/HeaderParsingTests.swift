import Foundation
@testable import LlamaHub
import Testing

/// The headers the hub and its CDN answer with.
@Suite struct HeaderParsingTests {
    @Test func nextLink() {
        #expect(HTTPTransport.nextLink(in: "<https://h/api/models/o/n/tree/main?cursor=abc>; rel=\"next\"") == "https://h/api/models/o/n/tree/main?cursor=abc")
        #expect(HTTPTransport.nextLink(in: "<https://h/first>; rel=\"prev\", <https://h/second>; rel=next") == "https://h/second")
        #expect(HTTPTransport.nextLink(in: "<https://h/first>; rel=\"prev\"") == nil)
        #expect(HTTPTransport.nextLink(in: "garbage") == nil)
    }

    @Test func sha256FromETag() {
        let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(HTTPTransport.sha256FromETag("\"\(sha)\"") == sha)
        #expect(HTTPTransport.sha256FromETag("W/\"\(sha.uppercased())\"") == sha)
        #expect(HTTPTransport.sha256FromETag(sha) == sha)
        #expect(HTTPTransport.sha256FromETag("\"\(sha.prefix(40))\"") == nil)
        #expect(HTTPTransport.sha256FromETag("\"\(sha.dropLast())g\"") == nil)
    }

    @Test func contentRange() {
        #expect(DownloadSink.parseContentRange("bytes 100-199/200").map { [$0.first, $0.total ?? -1] } == [100, 200])
        #expect(DownloadSink.parseContentRange("bytes 5-9/*").map { [$0.first, $0.total ?? -1] } == [5, -1])
        #expect(DownloadSink.parseContentRange("bytes */200") == nil)
        #expect(DownloadSink.parseContentRange("items 1-2/3") == nil)
    }

    /// The token goes to the endpoint's origin only, whatever the spelling of its default port.
    @Test func tokenOnlyForTheEndpoint() throws {
        let transport = HTTPTransport(endpoint: try #require(URL(string: "https://huggingface.co")), token: "t", idleTimeout: 1)
        #expect(transport.request(try #require(URL(string: "https://huggingface.co:443/o/n/resolve/main/x"))).value(forHTTPHeaderField: "Authorization") == "Bearer t")
        #expect(transport.request(try #require(URL(string: "https://cdn-lfs.huggingface.co/x"))).value(forHTTPHeaderField: "Authorization") == nil)
        #expect(transport.request(try #require(URL(string: "http://huggingface.co/x"))).value(forHTTPHeaderField: "Authorization") == nil)
        let ranged = transport.request(try #require(URL(string: "https://huggingface.co/x")), rangeStart: 42)
        #expect(ranged.value(forHTTPHeaderField: "Range") == "bytes=42-")
        #expect(ranged.value(forHTTPHeaderField: "Accept-Encoding") == "identity")
    }

    @Test func pathsArePercentEncoded() throws {
        let transport = HTTPTransport(endpoint: try #require(URL(string: "https://hub.example/mirror/")), token: nil, idleTimeout: 1)
        let reference = try HubModelReference("o/n", revision: "refs/pr/1")
        #expect(transport.resolveURL(reference, file: "dir/a b+c.gguf").absoluteString
            == "https://hub.example/mirror/o/n/resolve/refs%2Fpr%2F1/dir/a%20b%2Bc.gguf")
    }
}
