#!/usr/bin/env python3
"""Load test for `llama-swift serve` on loopback: CLIENTS concurrent streaming clients send
REQUESTS completions each, check that every stream is complete and that the text equals the
server's own greedy answer for the prompt, then report requests/s and p50/p99 latency.

    llama-swift serve -m stories260K.gguf --port 8080 --parallel 2 &
    Benchmarks/serve-load.py --port 8080 [--clients 8] [--requests 20] [--max-tokens 16]

Only 127.0.0.1 is contacted; the run is bounded by the request count and a per-request timeout.
"""
import argparse
import http.client
import json
import statistics
import sys
import threading
import time

NAMES = ["Tim", "Sue", "Max", "Lily", "Ben", "Amy", "Sam", "Zoe"]


def post(port, body, timeout):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("POST", "/v1/completions", json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read().decode()
    connection.close()
    return response.status, data


def streamed_text(data):
    """The concatenated text of an event stream, or None when it is malformed or has no [DONE]."""
    texts, done = [], False
    for block in data.split("\n\n"):
        if not block:
            continue
        if done or not block.startswith("data: "):
            return None
        payload = block[len("data: "):]
        if payload == "[DONE]":
            done = True
            continue
        event = json.loads(payload)
        if "error" in event:
            return None
        texts.extend(choice["text"] for choice in event["choices"])
    return "".join(texts) if done else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    prompts = [f"Once upon a time, a child named {NAMES[i % len(NAMES)]}" for i in range(args.clients)]
    expected = []
    for prompt in prompts:
        status, data = post(args.port, {"prompt": prompt, "max_tokens": args.max_tokens, "temperature": 0}, args.timeout)
        if status != 200:
            sys.exit(f"reference request failed with {status}: {data}")
        expected.append(json.loads(data)["choices"][0]["text"])

    latencies, failures, lock = [], [], threading.Lock()

    def client(index):
        body = {"prompt": prompts[index], "max_tokens": args.max_tokens, "temperature": 0, "stream": True}
        for _ in range(args.requests):
            start = time.perf_counter()
            try:
                status, data = post(args.port, body, args.timeout)
                ok = status == 200 and streamed_text(data) == expected[index]
            except OSError as error:
                ok, data = False, str(error)
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if ok else failures).append(elapsed if ok else data[:200])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start

    health = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    health.request("GET", "/health")
    healthy = health.getresponse().status == 200

    latencies.sort()
    total = args.clients * args.requests
    print(f"{len(latencies)}/{total} complete and correct, {len(failures)} failed, server healthy: {healthy}")
    if latencies:
        p99 = latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)]
        print(f"{len(latencies) / seconds:.1f} requests/s over {seconds:.2f} s; "
              f"latency p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms")
    for failure in failures[:5]:
        print("failure:", failure)
    sys.exit(0 if not failures and healthy else 1)


if __name__ == "__main__":
    main()
