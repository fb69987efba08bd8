import GGUF

/// Everything that can go wrong when loading a model or generating with it.
///
/// Each case names what a user needs to fix the problem: the file, the metadata key, the tensor,
/// or the parameter (by the name of its command-line flag where it has one).
public enum LlamaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model file does not exist.
    case fileNotFound(path: String)
    /// The file is not a readable GGUF file; `reason` is the reader's message.
    case invalidModelFile(path: String, reason: String)
    /// The file describes an architecture no model family reads.
    case unsupportedArchitecture(String)
    /// A required metadata key is absent.
    case missingMetadata(key: String)
    /// A metadata key is present but its value cannot be used.
    case invalidMetadata(key: String, reason: String)
    /// A required tensor is absent.
    case missingTensor(name: String)
    /// A tensor has a type the kernels cannot compute with.
    case unsupportedTensorType(tensor: String, type: String)
    /// A tensor has a type the chosen backend cannot run (another backend may).
    case unsupportedOnBackend(backend: String, tensor: String, type: String, supported: [String])
    /// A tensor's shape does not match the hyper-parameters.
    case tensorShapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A generation or session parameter is out of range; `name` is its command-line flag.
    case invalidParameter(name: String, value: String, reason: String)
    /// The tokens do not fit in the session's context window.
    case contextOverflow(tokens: Int, contextSize: Int)
    /// A token id is outside the vocabulary.
    case invalidToken(id: Int, vocabularySize: Int)
    /// There is nothing to evaluate.
    case emptyInput
    /// The chosen compute backend cannot run here or failed: not built in, no device, a Vulkan error.
    case backendFailed(backend: String, reason: String)
    /// A chat template does not compile, has no such name, or raised while rendering; the
    /// template's own message (what it passed to `raise_exception`, say).
    case chatTemplateFailed(String)
    /// A configuration (``LlamaConfiguration``) is not valid JSON, has an unknown key, or a value
    /// of the wrong type or out of range; `source` is the file or what the text was, `key` the key
    /// (`nil` for the document as a whole).
    case invalidConfiguration(source: String, key: String?, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "model file not found: \(path)"
        case .invalidModelFile(let path, let reason):
            "\(path) is not a usable GGUF file: \(reason)"
        case .unsupportedArchitecture(let arch):
            "unsupported architecture '\(arch)' (general.architecture must be one of \(ModelRegistry.architectures.map { "'\($0)'" }.joined(separator: ", ")))"
        case .missingMetadata(let key):
            "metadata key '\(key)' is required but not in the file"
        case .invalidMetadata(let key, let reason):
            "metadata key '\(key)' is invalid: \(reason)"
        case .missingTensor(let name):
            "tensor '\(name)' is required but not in the file"
        case .unsupportedTensorType(let tensor, let type):
            "tensor '\(tensor)' has type \(type), which is not supported"
        case .unsupportedOnBackend(let backend, let tensor, let type, let supported):
            "backend \(backend) cannot run tensor '\(tensor)' of type \(type) (it runs \(supported.joined(separator: ", ")))"
        case .tensorShapeMismatch(let tensor, let expected, let found):
            "tensor '\(tensor)' has shape \(found), expected \(expected)"
        case .invalidParameter(let name, let value, let reason):
            "invalid value \(value) for \(name): \(reason)"
        case .contextOverflow(let tokens, let contextSize):
            "\(tokens) tokens do not fit in the context of \(contextSize) tokens"
        case .invalidToken(let id, let vocabularySize):
            "token id \(id) is outside the vocabulary (0..<\(vocabularySize))"
        case .emptyInput:
            "no tokens to evaluate"
        case .backendFailed(let backend, let reason):
            "backend \(backend): \(reason)"
        case .chatTemplateFailed(let message):
            "chat template: \(message)"
        case .invalidConfiguration(let source, let key?, let reason):
            "\(source): key '\(key)': \(reason)"
        case .invalidConfiguration(let source, nil, let reason):
            "\(source): \(reason)"
        }
    }

    /// Translates a GGUF reader error met while reading `path` into the matching case.
    init(_ error: GGUFError, path: String) {
        switch error {
        case .missingKey(let key): self = .missingMetadata(key: key)
        case .typeMismatch(let key, let expected, let found):
            self = .invalidMetadata(key: key, reason: "holds \(found), expected \(expected)")
        case .missingTensor(let name): self = .missingTensor(name: name)
        default: self = .invalidModelFile(path: path, reason: error.description)
        }
    }
}
