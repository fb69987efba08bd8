import ArgumentParser
import Foundation
import LlamaSwift

/// The flags that constrain generated text, as llama.cpp names them: a GBNF grammar or a JSON
/// Schema, given inline or in a file.
struct ConstraintOptions: ParsableArguments {
    @Option(name: .customLong("grammar"), help: "A GBNF grammar the output must match.")
    var grammar: String?

    @Option(name: .customLong("grammar-file"), help: "Read the GBNF grammar from this file.")
    var grammarFile: String?

    @Option(name: .customLong("json-schema"), help: "A JSON Schema the output must satisfy (or @FILE to read it).")
    var jsonSchema: String?

    @Option(name: .customLong("json-schema-file"), help: "Read the JSON Schema from this file.")
    var jsonSchemaFile: String?

    /// The constraint the flags give (at most one of them), compiled once to check it.
    func constraint() throws -> OutputConstraint? {
        let given = [("--grammar", grammar), ("--grammar-file", grammarFile), ("--json-schema", jsonSchema),
                     ("--json-schema-file", jsonSchemaFile)].filter { $0.1 != nil }
        guard given.count <= 1 else {
            throw ValidationError("give one of \(given.map(\.0).joined(separator: ", ")), not several")
        }
        let constraint: OutputConstraint?
        if let grammar {
            constraint = .grammar(grammar)
        } else if let grammarFile {
            constraint = .grammar(try read(grammarFile, flag: "--grammar-file"))
        } else if let jsonSchema {
            constraint = .jsonSchema(jsonSchema.hasPrefix("@") ? try read(String(jsonSchema.dropFirst()), flag: "--json-schema") : jsonSchema)
        } else if let jsonSchemaFile {
            constraint = .jsonSchema(try read(jsonSchemaFile, flag: "--json-schema-file"))
        } else {
            constraint = nil
        }
        try constraint?.validate()
        return constraint
    }

    private func read(_ path: String, flag: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("\(flag): cannot read \(path): \(error.localizedDescription)")
        }
    }
}
