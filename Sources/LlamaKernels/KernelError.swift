import GGUF

/// Why a kernel refused its input.
public enum KernelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The type has no kernels here (`tensor` names the tensor when the caller knows it).
    case unsupportedType(GGMLType, tensor: String?)
    /// Sizes that do not fit together: a row length that is not a whole number of blocks,
    /// a row index out of range, a size that overflows.
    case shapeMismatch(String)
    /// The build assumed instructions this CPU lacks (see ``Kernels/checkCPUSupport()``).
    case unsupportedCPU(String)

    public var description: String {
        switch self {
        case let .unsupportedType(type, tensor?): "no kernels for type \(type.name) (tensor '\(tensor)')"
        case let .unsupportedType(type, nil): "no kernels for type \(type.name)"
        case let .shapeMismatch(what): "shape mismatch: \(what)"
        case let .unsupportedCPU(what): "unsupported CPU: \(what)"
        }
    }
}
