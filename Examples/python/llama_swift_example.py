#!/usr/bin/env python3
"""An example of LlamaSwift's C API from Python through ctypes.

    llama_swift_example.py generate MODEL PROMPT N   greedy text of N tokens, printed as it comes
    llama_swift_example.py cancel MODEL PROMPT K     stops from the callback after K pieces
    llama_swift_example.py errors MODEL              a missing file, NULL handles, malformed JSON

The library is LLAMA_SWIFT_C_LIBRARY, else libLlamaSwiftC.so (libLlamaSwiftC.dylib on macOS)
on the loader's path. Build it with `swift build -c release --product LlamaSwiftC`.
"""
import ctypes
import json
import os
import sys

PIECE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)


class LlamaSwiftError(Exception):
    pass


class Library:
    """The functions of llama_swift.h, typed."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        errp = ctypes.POINTER(ctypes.c_void_p)
        vp = ctypes.c_void_p
        signatures = {
            "llama_swift_api_version": ([], ctypes.c_int),
            "llama_swift_model_load": ([ctypes.c_char_p, errp], vp),
            "llama_swift_session_create": ([vp, ctypes.c_char_p, errp], vp),
            "llama_swift_generate": ([vp, ctypes.c_char_p, ctypes.c_char_p, PIECE_FN, vp, errp], ctypes.c_int),
            "llama_swift_chat": ([vp, ctypes.c_char_p, ctypes.c_char_p, PIECE_FN, vp, errp], ctypes.c_int),
            "llama_swift_session_context_size": ([vp], ctypes.c_int64),
            "llama_swift_session_free": ([vp], None),
            "llama_swift_model_free": ([vp], None),
            "llama_swift_string_free": ([vp], None),
            "llama_swift_last_error": ([], vp),
        }
        for name, (arguments, result) in signatures.items():
            function = getattr(lib, name)
            function.argtypes = arguments
            function.restype = result
        self.lib = lib

    def call(self, name, *arguments):
        """Calls a function whose last argument is `char **error`; raises with the message."""
        error = ctypes.c_void_p()
        result = getattr(self.lib, name)(*arguments, ctypes.byref(error))
        if error.value:
            message = ctypes.string_at(error.value).decode("utf-8")
            self.lib.llama_swift_string_free(error)
            raise LlamaSwiftError(message)
        return result


class Model:
    def __init__(self, library, config):
        self.library = library
        self.handle = library.call("llama_swift_model_load", json.dumps(config).encode())

    def session(self, config=None):
        return Session(self, config)

    def close(self):
        self.library.lib.llama_swift_model_free(self.handle)
        self.handle = None


class Session:
    def __init__(self, model, config):
        self.library = model.library
        text = json.dumps(config).encode() if config is not None else None
        self.handle = self.library.call("llama_swift_session_create", model.handle, text)

    def generate(self, prompt, on_piece, **parameters):
        """Streams pieces to on_piece(text) -> bool (True stops); returns 0 done, 1 stopped."""
        callback = PIECE_FN(lambda piece, _: 1 if on_piece(piece.decode("utf-8")) else 0)
        return self.library.call(
            "llama_swift_generate", self.handle, prompt.encode(), json.dumps(parameters).encode(), callback, None)

    def close(self):
        self.library.lib.llama_swift_session_free(self.handle)
        self.handle = None


def emit(piece):
    sys.stdout.write(piece)
    sys.stdout.flush()
    return False


def generate(library, path, prompt, n):
    model = Model(library, {"model": path, "threads": 1})
    session = model.session()
    status = session.generate(prompt, emit, temperature=0, max_tokens=n)
    print()
    session.close()
    model.close()
    return 0 if status == 0 else 1


def cancel(library, path, prompt, k):
    model = Model(library, {"model": path, "threads": 1})
    session = model.session()
    seen = []

    def stop_after(piece):
        sys.stdout.write(piece)
        seen.append(piece)
        return len(seen) >= k

    status = session.generate(prompt, stop_after, temperature=0, max_tokens=1000)
    print()
    if status != 1:
        print(f"generate returned {status}, expected 1 (stopped)", file=sys.stderr)
        return 1
    print(f"stopped after {len(seen)} pieces", file=sys.stderr)
    return 0


def errors(library, path):
    failures = 0

    def expect_error(what, action):
        nonlocal failures
        try:
            action()
        except LlamaSwiftError as error:
            print(f"{what}: {error}")
            return
        print(f"no error: {what}", file=sys.stderr)
        failures += 1

    expect_error("missing file", lambda: Model(library, {"model": "/nonexistent/model.gguf"}))
    expect_error("malformed JSON", lambda: library.call("llama_swift_model_load", b'{"model": '))
    expect_error("NULL model", lambda: library.call("llama_swift_session_create", None, None))
    noop = PIECE_FN(lambda piece, _: 0)
    expect_error("NULL session", lambda: library.call("llama_swift_generate", None, b"x", None, noop, None))
    model = Model(library, {"model": path, "threads": 1})
    session = model.session()
    expect_error("malformed parameters",
                 lambda: library.call("llama_swift_generate", session.handle, b"x", b"{", noop, None))
    handle = session.handle
    session.close()
    expect_error("freed session", lambda: library.call("llama_swift_generate", handle, b"x", None, noop, None))
    model.close()
    return 1 if failures else 0


def main(argv):
    path = os.environ.get("LLAMA_SWIFT_C_LIBRARY") or (
        "libLlamaSwiftC.dylib" if sys.platform == "darwin" else "libLlamaSwiftC.so")
    library = Library(path)
    if library.lib.llama_swift_api_version() != 1:
        print("unexpected API version", file=sys.stderr)
        return 1
    if len(argv) == 5 and argv[1] == "generate":
        return generate(library, argv[2], argv[3], int(argv[4]))
    if len(argv) == 5 and argv[1] == "cancel":
        return cancel(library, argv[2], argv[3], int(argv[4]))
    if len(argv) == 3 and argv[1] == "errors":
        return errors(library, argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
