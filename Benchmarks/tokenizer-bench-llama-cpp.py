#!/usr/bin/env python3
"""llama.cpp's encode speed on the same text as tokenizer-bench, for a ratio from one run.

    TOKENIZER_BENCH_WRITE_CORPUS=/tmp/corpus.txt swift run -c release tokenizer-bench
    REF=$(../shared/tools/build-llama-cpp-reference.sh)/..
    PYTHONPATH=$REF/python LLAMA_CPP_LIB_PATH=$REF/bin \\
        python3 Benchmarks/tokenizer-bench-llama-cpp.py VOCAB.gguf /tmp/corpus.txt

Measures one llama_tokenize call through llama.cpp's own Python bindings (vocabulary only, BOS
as the model asks, no special-token parsing), best of 5, by thread CPU time and by wall time,
like tokenizer-bench does.
"""
import sys
import time

import llama_cpp
from llama_cpp import Llama

vocab_path, text_path = sys.argv[1], sys.argv[2]
text = open(text_path, "rb").read()
model = Llama(model_path=vocab_path, vocab_only=True, verbose=False)
vocab = llama_cpp.llama_model_get_vocab(model.model)
# llama_tokenize directly, with room for every token: Llama.tokenize first tries a buffer of the
# training context size and, when the text needs more, tokenizes a second time.
capacity = len(text) + 2
tokens = (llama_cpp.llama_token * capacity)()
best_cpu = best_wall = float("inf")
for _ in range(5):
    wall, cpu = time.perf_counter(), time.thread_time()
    count = llama_cpp.llama_tokenize(vocab, text, len(text), tokens, capacity, True, False)
    best_cpu = min(best_cpu, time.thread_time() - cpu)
    best_wall = min(best_wall, time.perf_counter() - wall)
megabytes = len(text) / 1e6
print(f"llama.cpp encode: {megabytes / best_cpu:.2f} MB/s by CPU time ({best_cpu * 1000:.1f} ms), "
      f"{megabytes / best_wall:.2f} MB/s by wall time ({best_wall * 1000:.1f} ms), {count} tokens")
