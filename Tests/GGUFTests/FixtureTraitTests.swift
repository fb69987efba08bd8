import FixtureSupport
import Testing

/// The `.fixtures(...)` trait and the accessors of FixtureSupport (which has no test target of
/// its own; GGUFTests is the smallest that uses it): a missing fixture skips a test, saying which
/// and how to get it, except in CI, where the test runs and the accessor's error fails it.
@Suite struct FixtureTraitTests {
    static let absent = "no-such-folder/not-a-fixture.gguf"

    @Test func missingListsOnlyTheAbsentFixtures() {
        #expect(Fixtures.missing([Self.absent]) == [Self.absent])
        #expect(Fixtures.missing([]).isEmpty)
        #expect(Fixtures.missing(["b-\(Self.absent)", Self.absent]) == ["b-\(Self.absent)", Self.absent])
    }

    @Test(.fixtures("stories260K.gguf")) func aPresentFixtureIsNotMissing() async throws {
        #expect(Fixtures.missing(["stories260K.gguf", Self.absent]) == [Self.absent])
        #expect(try Fixtures.path("stories260K.gguf").hasSuffix("/stories260K.gguf"))
        #expect(try await ConditionTrait.fixtures("stories260K.gguf").evaluate())
    }

    @Test func theAccessorsThrowNamingTheFixture() {
        #expect { try Fixtures.path(Self.absent) } throws: { error in
            (error as? Fixtures.Missing)?.name == Self.absent
        }
        #expect { try Fixtures.jsonObject(Self.absent) } throws: { error in
            (error as? Fixtures.Missing)?.name == Self.absent
        }
        #expect { try Fixtures.sharedTool("no-such-tool.py") } throws: { error in
            (error as? Fixtures.Missing)?.name == "no-such-tool.py"
        }
        let description = Fixtures.Missing(name: Self.absent, searched: ["/a", "/b"]).description
        #expect(description.contains(Self.absent) && description.contains("/a, /b"))
        #expect(description.contains("LLAMA_SWIFT_FIXTURES"))
    }

    /// The skip reason names every missing fixture and how to make them available.
    @Test func theTraitSkipsOutsideCIWithTheReason() async throws {
        let trait: ConditionTrait = .fixtures("stories260K.gguf", Self.absent)
        #expect(try await trait.evaluate() == Fixtures.isCI)
        let reason = try #require(trait.comments.first?.rawValue)
        #expect(reason.contains(Self.absent))
        #expect(reason.contains("../shared/fixtures") && reason.contains("LLAMA_SWIFT_FIXTURES"))

        let tools: ConditionTrait = .sharedTools("no-such-tool.py")
        #expect(try await tools.evaluate() == Fixtures.isCI)
        #expect(tools.comments.first?.rawValue.contains("no-such-tool.py") == true)

        #expect(try await ConditionTrait.requires(false, "x").evaluate() == Fixtures.isCI)
        #expect(try await ConditionTrait.requires(true, "x").evaluate())
    }

    @Test func aTestNeedingNoFixtureRuns() async throws {
        #expect(try await ConditionTrait.fixtures([]).evaluate())
    }
}
