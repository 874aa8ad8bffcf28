#!/usr/bin/env python3
"""The checkpoint benchmark: what checkpoints and key counts cost (keyed-sum and window-sum jobs, uniform keys).

Parts (all by default; name some to run only them):
  embedded  keyed-sum and window-sum (tumbling 1h) over 100k and 1M distinct keys on the embedded silo, checkpoints
            every 1 s against none, at a fixed input rate and at full speed; runs alternate off/on. Checkpoint durations
            are also given after warm-up: those triggered from 15 s after the command started (from the coordinator's
            completion lines, which the checkpointed run prints with --verbose).
  cluster   keyed-sum over 100k keys on a 2-silo cluster on Redis (silos as processes, a private redis-server), off and
            on; then a run in which one silo is SIGKILLed: time to processing again and to catching up.
  keys      peak RSS against distinct keys (100k, 1M, 10M; keyed-sum at full speed, checkpoints off and on).

Every figure comes from the `flow` CLI (job runtime, the checkpoint summary line) and /usr/bin/time (peak RSS, CPU),
or from polling the silos' REST API (cluster kill). Results go to stdout as Markdown tables and to
bench/data/checkpoints-<part>.json. Inputs are generated into bench/data with ../shared/tools/gen_events.py (or the
generator GEN_EVENTS names).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOW = ROOT / "flow"
DATA = ROOT / "bench" / "data"
SIZES = {"100k": (2_000_000, 100_000, 42), "1M": (5_000_000, 1_000_000, 7), "10M": (20_000_000, 10_000_000, 11)}
JOB_ARGS = {"keyed-sum": [], "window-sum": ["--window", "tumbling:1h"]}


def generator():
    path = Path(os.environ.get("GEN_EVENTS", ROOT.parent / "shared" / "tools" / "gen_events.py"))
    if not path.exists():
        sys.exit(f"checkpoints.py: no event generator at {path}; set GEN_EVENTS=/path/to/gen_events.py")
    return path


def events(size):
    count, keys, seed = SIZES[size]
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"events-{count}-keys-{keys}-uniform-seed-{seed}.csv"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(generator()), "--events", str(count), "--keys", str(keys), "--zipf-s", "0",
                        "--seed", str(seed), "--out", str(path)], check=True)
    return path


def distinct_keys(path):
    meta = path.with_suffix(".keys")
    if not meta.exists():
        out = subprocess.run(f"cut -d, -f2 '{path}' | sort -u | wc -l", shell=True, check=True, capture_output=True, text=True)
        meta.write_text(out.stdout.strip())
    return int(meta.read_text())


COMPLETED = re.compile(r"checkpoint (\d+) completed in ([\d,]+) ms")
WARM_UP_S = 15  # checkpoints triggered this long after the command started count as steady state (keys activated, backlog gone)


def percentile(values, p):
    """Flink's estimate (Commons Math's default), as the checkpoint summary line: pos = p(n+1)/100, interpolated."""
    if not values:
        return None
    pos = p * (len(values) + 1) / 100
    if pos < 1:
        return values[0]
    if pos >= len(values):
        return values[-1]
    low = int(pos)
    return round(values[low - 1] + (pos - low) * (values[low] - values[low - 1]))


def number(text):
    return int(text.replace(",", "")) if text is not None else None


def parse_run(stderr):
    runtime = re.search(r"job runtime ([\d,]+) ms", stderr)
    summary = re.search(r"checkpoints: ([\d,]+) completed, ([\d,]+) failed"
                        r"(?:, duration p50 ([\d,]+) ms, p99 ([\d,]+) ms, max ([\d,]+) ms, size p50 ([\d,]+) bytes)?", stderr)
    attempts = [int(a) for a in re.findall(r"attempt (\d+)", stderr)]
    job = re.search(r"job ([0-9a-f]{32})", stderr)
    return {
        "runtime_s": number(runtime.group(1)) / 1000 if runtime else None,
        "completed": number(summary.group(1)) if summary else None,
        "failed": number(summary.group(2)) if summary else None,
        "p50_ms": number(summary.group(3)) if summary else None,
        "p99_ms": number(summary.group(4)) if summary else None,
        "max_ms": number(summary.group(5)) if summary else None,
        "size_p50": number(summary.group(6)) if summary else None,
        "restarts": max(attempts) if attempts else 0,
        "job": job.group(1) if job else None,
    }


def run_flow(job, input_path, extra, workdir, cluster=None):
    """Runs `flow run JOB` on the embedded silo (or --cluster) in workdir; returns the figures."""
    shutil.rmtree(workdir / "data", ignore_errors=True)
    output = workdir / f"out-{job}.csv"
    for leftover in (output, workdir / f".{output.name}.pending"):
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)
    timing = workdir / "time.txt"
    command = [str(FLOW), "run", job, "--input", str(input_path), "--output", str(output), *JOB_ARGS[job], "--progress", *extra]
    if cluster:
        command += ["--cluster", cluster["redis"], "--cluster-id", cluster["id"], "--service-id", cluster["id"]]
    start = time.monotonic()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", str(timing), *command], cwd=workdir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    lines, completions = [], []
    for line in proc.stderr:
        lines.append(line)
        found = COMPLETED.search(line)
        if found:  # (seconds since the command started when it was triggered, duration ms)
            duration = number(found.group(2))
            completions.append((time.monotonic() - start - duration / 1000, duration))
    proc.wait()
    wall = time.monotonic() - start
    if "--verbose" in extra:  # the checkpointed run's log, for the reasons of failed checkpoints
        (DATA / f"last-{job}-{input_path.stem}-verbose.log").write_text("".join(lines))
    rss_kb, user, system = timing.read_text().split()[-3:]
    result = parse_run("".join(lines))
    if completions:
        steady = sorted(d for t, d in completions if t >= WARM_UP_S)
        result.update({"steady_count": len(steady), "steady_p50_ms": percentile(steady, 50), "steady_p99_ms": percentile(steady, 99),
                       "steady_max_ms": steady[-1] if steady else None})
    result.update({"exit": proc.returncode, "wall_s": round(wall, 2), "rss_mib": round(int(rss_kb) / 1024),
                   "cpu_s": round(float(user) + float(system), 1), "command": " ".join(command[:1] + ["run"] + command[2:])})
    if proc.returncode != 0:
        result["error"] = lines[-1].strip() if lines else "exit " + str(proc.returncode)
    return result, output


def sorted_digest(path):
    out = subprocess.run(f"sort '{path}' | md5sum", shell=True, check=True, capture_output=True, text=True)
    return out.stdout.split()[0]


def ratio(on, off, key):
    return f"{on[key] / off[key]:.2f}" if on.get(key) and off.get(key) else "-"


def seconds(value):
    return None if value is None else round(value, 2)


def fmt(value, suffix=""):
    return "-" if value is None else f"{value:,}{suffix}"


def embedded(args, workdir):
    rows = []
    for size in args.sizes:
        path = events(size)
        for job in args.jobs:
            for mode in args.modes:
                extra = ["--rate", str(args.rate)] if mode == "rate" else []
                for run in range(args.runs):
                    off, off_out = run_flow(job, path, extra, workdir)
                    off_digest = sorted_digest(off_out) if off["exit"] == 0 else None
                    on, on_out = run_flow(job, path, extra + ["--checkpoint-interval", "1s", "--verbose"], workdir)
                    exact = on["exit"] == 0 and off_digest == sorted_digest(on_out)
                    row = {"size": size, "job": job, "mode": mode, "run": run, "off": off, "on": on, "exact": exact}
                    rows.append(row)
                    print_row(row, flush=True)
    return rows


def print_row(row, flush=False):
    off, on = row["off"], row["on"]
    mode = "full speed" if row["mode"] == "full" else "fixed rate"
    print(f"| {row['job']} | {row['size']} | {mode} | {fmt(off['runtime_s'], ' s')} | {fmt(on['runtime_s'], ' s')} | {ratio(on, off, 'runtime_s')} "
          f"| {fmt(off['cpu_s'], ' s')} | {fmt(on['cpu_s'], ' s')} | {ratio(on, off, 'cpu_s')} | {on['completed']}/{on['failed']} "
          f"| {fmt(on['p50_ms'])} / {fmt(on['p99_ms'])} / {fmt(on['max_ms'])} ms | {fmt(on.get('steady_p50_ms'))} / {fmt(on.get('steady_p99_ms'))} / {fmt(on.get('steady_max_ms'))} ms ({fmt(on.get('steady_count'))}) | {fmt(on['size_p50'])} "
          f"| {off['rss_mib']:,} / {on['rss_mib']:,} MiB | {on['restarts']} | {'yes' if row['exact'] else 'NO'} |", flush=flush)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"gave up waiting for {what}")


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.load(response)
    except Exception:  # noqa: BLE001 - a silo that is starting or gone answers nothing
        return None


class Cluster:
    """A private redis-server and two `flow silo` processes."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.id = "bench-" + str(os.getpid())
        self.redis_port = free_port()
        self.redis = subprocess.Popen(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                       "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.silos = [self.start_silo(index) for index in (1, 2)]
        for silo in self.silos:
            wait_for(lambda s=silo: get_json(f"http://127.0.0.1:{s['web']}/health"), 120, "the silos' health endpoints")

    def start_silo(self, index):
        web = free_port()
        log = open(self.workdir / f"silo{index}.log", "a")
        proc = subprocess.Popen([str(FLOW), "silo", "--redis", f"127.0.0.1:{self.redis_port}", "--silo-port", str(free_port()),
                                 "--gateway-port", str(free_port()), "--dashboard-port", str(web), "--cluster-id", self.id,
                                 "--service-id", self.id], cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
        return {"proc": proc, "web": web, "log": log}

    def replace_silo(self, position):
        """Starts a new silo in place of a killed one and waits for its health endpoint."""
        self.silos[position]["log"].close()
        self.silos[position] = silo = self.start_silo(position + 1)
        wait_for(lambda: get_json(f"http://127.0.0.1:{silo['web']}/health"), 120, "the new silo's health endpoint")

    @property
    def target(self):
        return {"redis": f"127.0.0.1:{self.redis_port}", "id": self.id}

    def job(self, job_id, silo=0):
        return get_json(f"http://127.0.0.1:{self.silos[silo]['web']}/jobs/{job_id}")

    def close(self):
        for silo in self.silos:
            if silo["proc"].poll() is None:
                silo["proc"].send_signal(signal.SIGTERM)
        for silo in self.silos:
            try:
                silo["proc"].wait(timeout=60)
            except subprocess.TimeoutExpired:
                silo["proc"].kill()
            silo["log"].close()
        self.redis.terminate()
        self.redis.wait()


def sum_of(view, vertex_filter, field):
    return sum(t.get(field) or 0 for v in view["vertices"] if vertex_filter(v) for t in v["subtasks"])


def cluster(args, workdir):
    if not shutil.which("redis-server"):
        sys.exit("checkpoints.py: the cluster part needs redis-server (apt-get install redis-server)")
    path = events("100k")
    results = {}
    reference, reference_out = run_flow("keyed-sum", path, ["--rate", str(args.rate)], workdir)
    digest = sorted_digest(reference_out)
    grid = Cluster(workdir)
    try:
        for name, extra in (("off", []), ("on", ["--checkpoint-interval", "1s"])):
            result, out = run_flow("keyed-sum", path, ["--rate", str(args.rate), *extra], workdir, cluster=grid.target)
            result["exact"] = result["exit"] == 0 and sorted_digest(out) == digest
            results[name] = result
            print(f"cluster {name}: {json.dumps(result)}", file=sys.stderr, flush=True)
        kills = []
        for run in range(args.kills):
            if run > 0:
                grid.replace_silo(1)
            kills.append(kill_run(args, grid, path, workdir, digest))
        results["kills"] = kills
    finally:
        grid.close()
    return results


def kill_run(args, grid, path, workdir, digest):
    """Runs keyed-sum with checkpoints on the cluster, SIGKILLs silo 2 once checkpoints completed, and times the recovery."""
    output = workdir / "out-kill.csv"
    command = [str(FLOW), "run", "keyed-sum", "--input", str(path), "--output", str(output), "--rate", str(args.rate),
               "--checkpoint-interval", "1s", "--progress", "--cluster", grid.target["redis"], "--cluster-id", grid.id, "--service-id", grid.id]
    client = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    job_id = None
    lines = []
    while job_id is None:
        line = client.stderr.readline()
        if not line:
            raise RuntimeError("flow run ended before it printed the job id: " + "".join(lines[-5:]))
        lines.append(line)
        found = re.search(r"job ([0-9a-f]{32})", line)
        job_id = found.group(1) if found else None

    def view():
        return grid.job(job_id)

    wait_for(lambda: (v := view()) and (v.get("checkpoints") or {}).get("completed", 0) >= 5, 180, "5 completed checkpoints")
    before = view()
    attempt0 = before["attempt"]
    is_source = lambda v: v["name"].startswith("Source")  # noqa: E731
    is_keyed = lambda v: "Keyed Sum" in v["name"]  # noqa: E731
    position0 = sum_of(before, is_source, "sourcePosition")
    killed_at = time.monotonic()
    grid.silos[1]["proc"].send_signal(signal.SIGKILL)
    processing = caught_up = None
    samples = []
    while caught_up is None and time.monotonic() - killed_at < 300:
        v = view()
        now = time.monotonic() - killed_at
        if v:
            samples.append((round(now, 2), v["attempt"], v["status"], sum_of(v, is_keyed, "recordsIn"), sum_of(v, is_source, "sourcePosition")))
            if v["attempt"] > attempt0 and v["status"] == "Running":
                if processing is None and sum_of(v, is_keyed, "recordsIn") > 0:
                    processing = now
                if processing is not None and sum_of(v, is_source, "sourcePosition") >= position0:
                    caught_up = now
            if v["status"] in ("Finished", "Failed", "Canceled"):
                break
        time.sleep(0.05)
    _, rest = client.communicate()
    result = parse_run("".join(lines) + rest)
    result.update({"exit": client.returncode, "killed_attempt": attempt0, "processing_again_s": processing, "caught_up_s": caught_up,
                   "exact": client.returncode == 0 and sorted_digest(output) == digest, "samples": samples[:400]})
    print(f"cluster kill: processing again {processing} s, caught up {caught_up} s, exit {client.returncode}, exact {result['exact']}", file=sys.stderr, flush=True)
    return result


def keys(args, workdir):
    rows = []
    for size in args.key_sizes:
        path = events(size)
        distinct = distinct_keys(path)
        for name, extra in (("off", []), ("on", ["--checkpoint-interval", "1s"])):
            result, _ = run_flow("keyed-sum", path, [*args.key_flags, *extra], workdir)
            row = {"size": size, "distinct": distinct, "checkpoints": name, **result}
            rows.append(row)
            print(f"| {size} | {distinct:,} | {name} | {fmt(result['runtime_s'], ' s')} | {result['rss_mib']:,} MiB "
                  f"| {(result['rss_mib'] * 1024 * 1024 / distinct):,.0f} B | {result['restarts']} | {result.get('error', 'ok')} |", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", default=["embedded", "cluster", "keys"], choices=["embedded", "cluster", "keys"])
    parser.add_argument("--rate", type=int, default=50_000, help="the fixed input rate, events/s (default 50,000)")
    parser.add_argument("--runs", type=int, default=1, help="off/on pairs per scenario (default 1)")
    parser.add_argument("--kills", type=int, default=1, help="SIGKILL runs of the cluster part, each with a new second silo (default 1)")
    parser.add_argument("--sizes", nargs="+", default=["100k", "1M"], choices=list(SIZES), help="key counts of the embedded part")
    parser.add_argument("--jobs", nargs="+", default=list(JOB_ARGS), choices=list(JOB_ARGS))
    parser.add_argument("--modes", nargs="+", default=["rate", "full"], choices=["rate", "full"], help="input at --rate, at full speed, or both")
    parser.add_argument("--key-sizes", nargs="+", default=["100k", "1M", "10M"], choices=list(SIZES))
    parser.add_argument("--key-flags", nargs=argparse.REMAINDER, default=[], help="extra flow run flags for the keys part (last)")
    args = parser.parse_args()
    subprocess.run([str(FLOW), "help"], check=True, stdout=subprocess.DEVNULL)  # build the CLI outside the measurements
    with tempfile.TemporaryDirectory(prefix="flow-checkpoints-") as temp:
        workdir = Path(temp)
        if "embedded" in args.parts:
            print("| job | keys | input | runtime off | runtime on | ratio | CPU off | CPU on | ratio | checkpoints ok/failed "
                  "| duration p50 / p99 / max | after warm-up p50 / p99 / max (count) | size p50 (bytes) | peak RSS off / on | restarts | output equal |")
            print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---:|---|", flush=True)
            rows = embedded(args, workdir)
            (DATA / "checkpoints-embedded.json").write_text(json.dumps(rows, indent=1))
        if "cluster" in args.parts:
            results = cluster(args, workdir)
            (DATA / "checkpoints-cluster.json").write_text(json.dumps(results, indent=1))
            off, on = results["off"], results["on"]
            print("\n| cluster (2 silos, Redis), keyed-sum 100k keys | runtime off | runtime on | ratio | CPU off / on (client only) "
                  "| checkpoints ok/failed | duration p50 / p99 / max | restarts | output equal |")
            print("|---|---:|---:|---:|---|---:|---|---:|---|")
            print(f"| fixed rate {args.rate:,}/s | {fmt(off['runtime_s'], ' s')} | {fmt(on['runtime_s'], ' s')} | {ratio(on, off, 'runtime_s')} "
                  f"| {off['cpu_s']} / {on['cpu_s']} s | {on['completed']}/{on['failed']} | {fmt(on['p50_ms'])} / {fmt(on['p99_ms'])} / {fmt(on['max_ms'])} ms "
                  f"| {on['restarts']} | {'yes' if off['exact'] and on['exact'] else 'NO'} |")
            for kill in results["kills"]:
                print(f"\nSIGKILL of one silo: processing again after {fmt(seconds(kill['processing_again_s']), ' s')}, caught up after "
                      f"{fmt(seconds(kill['caught_up_s']), ' s')}; job runtime {fmt(kill['runtime_s'], ' s')}, restarts {kill['restarts']}, "
                      f"output equal to the embedded run: {'yes' if kill['exact'] else 'NO'}", flush=True)
        if "keys" in args.parts:
            print("\n| keys | distinct keys | checkpoints | job runtime | peak RSS | RSS per distinct key | restarts | result |")
            print("|---|---:|---|---:|---:|---:|---:|---|", flush=True)
            rows = keys(args, workdir)
            (DATA / "checkpoints-keys.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
