# Python's concurrent.futures.ThreadPoolExecutor, measured as bench/executor.child.ts measures the
# pools: start-up, tiny tasks submitted at once (tasks per second), one task in flight (latency).
# Run by bench/executor.bench.ts as `python3 bench/executor.py <json>`; prints JSON.
import json, sys, time
from concurrent.futures import ThreadPoolExecutor, wait

def plus_one(n):
    return n + 1

args = json.loads(sys.argv[1])
started = time.perf_counter()
pool = ThreadPoolExecutor(max_workers=args["workers"])
wait([pool.submit(plus_one, i) for i in range(args["workers"] * 4)])
startup_ms = (time.perf_counter() - started) * 1000
throughput, latency = [], []
for run in range(args["warmups"] + args["runs"]):
    started = time.perf_counter()
    futures = [pool.submit(plus_one, i) for i in range(args["tasks"])]
    results = [f.result() for f in futures]
    elapsed = time.perf_counter() - started
    assert results[-1] == args["tasks"]
    if run >= args["warmups"]:
        throughput.append(args["tasks"] / elapsed)
for run in range(args["warmups"] + args["runs"]):
    started = time.perf_counter()
    for i in range(args["rounds"]):
        pool.submit(plus_one, i).result()
    if run >= args["warmups"]:
        latency.append((time.perf_counter() - started) / args["rounds"] * 1e6)
pool.shutdown()
print(json.dumps({"figures": {"startupMs": startup_ms, "throughput": throughput, "latencyMicros": latency}, "version": sys.version.split()[0]}))
