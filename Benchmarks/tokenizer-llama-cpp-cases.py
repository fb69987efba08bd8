#!/usr/bin/env python3
"""Differential cases for LlamaTokenizer, produced by llama.cpp itself.

    REF=$(../shared/tools/build-llama-cpp-reference.sh)/..
    PYTHONPATH=$REF/python LLAMA_CPP_LIB_PATH=$REF/bin \\
        python3 Benchmarks/tokenizer-llama-cpp-cases.py /tmp/cases.json VOCAB.gguf [VOCAB.gguf ...] [--text FILE]
    LLAMA_CPP_TOKENIZER_CASES=/tmp/cases.json swift test --filter LlamaCppDifferentialTests

For every vocabulary: the ids llama.cpp gives (BOS as the model asks; with and without
special-token parsing) for awkward strings, 3000 seeded random strings and optionally a large
text file; every token's piece with and without special rendering; the end-of-generation set.
"""
import base64
import ctypes
import json
import random
import sys

import llama_cpp
from llama_cpp import Llama

args = sys.argv[1:]
text_file = None
if "--text" in args:
    i = args.index("--text")
    text_file = args[i + 1]
    del args[i:i + 2]
output, vocabularies = args[0], args[1:]

awkward = [
    "", " ", "  ", "\n", "\r\n\r\n  \t\n", "a\u00a0b", "x\u3000y", " " * 300 + "end", "7" * 50, "!!!!....????" * 5,
    "'S 'Re 'LL 'VE 'M 'D 's're", "it’s don’t", "l'Été l'hôpital", "١٢٣٤ ²³ Ⅻ １２３４ ൬൭",
    "\u0378\u0379 unassigned \U000E0080", "\ue000\uf8ff private", "e\u0301 n\u0303 combining", "שלום עולם مرحبا",
    "👨‍👩‍👧‍👦🏳️‍🌈 ZWJ", "<|begin_of_text|>hi<|eot_id|>", "<s>Hello</s> [INST]", "<|im_start|>user\nhi<|im_end|>",
    "tab\there\ttab\t\t", "trailing   ", "   leading", " \n \n", "a\r\rb\r\n", "x\u2028y\u2029z", "\u000b\u000c",
    "CamelCaseWordsAndSNAKE_CASE_words", "http://example.com/a?b=c&d=e#f", "i := 0; i < n; i++ { x[i] += y }",
    "\ua7cb\u0c5c\U000105c0 newer than Unicode 15.1",
]
pool = (list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789") + list("   \n\t\r'’.,!?-_(){}<>|$^~+=")
        + list("中文字符日本語한국어ÄÖÜéèñçßø")
        + ["😀", "🦙", "✅", "\ua7cb", "\u0c5c", "\U000105c0", "\u1b4e", "\u0301", "\u00a0", "\u3000", "\u0378",
           "\ue000", "²", "٣", "Ⅻ", "１"])
generator = random.Random(1234)
texts = awkward + ["".join(generator.choice(pool) for _ in range(generator.randint(1, 40))) for _ in range(3000)]
if text_file:
    texts.append(open(text_file, encoding="utf-8").read())

result = {}
buffer = ctypes.create_string_buffer(4096)
for path in vocabularies:
    model = Llama(model_path=path, vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(model.model)
    cases = [{"text": text, "parse_special": special, "ids": model.tokenize(text.encode(), add_bos=True, special=special)}
             for text in texts for special in (False, True)]
    def piece(token, special):
        length = llama_cpp.llama_token_to_piece(vocab, token, buffer, len(buffer), 0, special)
        return base64.b64encode(buffer.raw[:length]).decode()

    pieces = {str(special).lower(): [piece(token, special) for token in range(llama_cpp.llama_vocab_n_tokens(vocab))]
              for special in (False, True)}
    eog = [token for token in range(llama_cpp.llama_vocab_n_tokens(vocab)) if llama_cpp.llama_vocab_is_eog(vocab, token)]
    result[path] = {"cases": cases, "pieces": pieces, "end_of_generation": eog}
    print(f"{path}: {len(cases)} cases", file=sys.stderr)
json.dump(result, open(output, "w"))
