"""schemathesis against a live `serve`'s OpenAPI, for longer than the suite's bounded run.

    .venv/bin/python -m bench.schemathesis_run [--seconds 300] [--examples 200]
                                               [--write bench/RESULTS.md]

Starts `serve` on the embedded stores under bench/out/schemathesis/ (tiny CLAP), signs in
an admin (so the admin routes are reached too), and runs every schemathesis check but the
two the suite also leaves out (a PNG sent as `audio` is schema-valid and rightly refused,
and Litestar's automatic OPTIONS answers list all methods), all phases, one worker. The
target: no 5xx (`not_a_server_error`) and every answer matching the schema.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.http_api import ROOT, Server, _admin_token, serve_env, write_section

OUT = ROOT / "bench" / "out" / "schemathesis"
SECTION = "## schemathesis"


def run(args: argparse.Namespace) -> str:
    env, _ = serve_env(OUT / "storage", "tiny")
    server = Server(env, OUT)
    server.start()
    try:
        token = _admin_token(server, env)
        started = time.monotonic()
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("st")),
                "run",
                f"{server.url}/schema/openapi.json",
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance,allow_header_conformance",
                "--max-examples",
                str(args.examples),
                "--max-time",
                str(args.seconds),
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--workers",
                "1",
                "--seed",
                str(args.seed),
                "--request-timeout",
                "60",
                "--header",
                f"Authorization: Bearer {token}",
                "--report-dir",
                str(OUT / "report"),
            ],
            capture_output=True,
            text=True,
            timeout=args.seconds + 600,
            env=env,
            cwd=OUT,
        )
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    output = done.stdout + done.stderr
    (OUT / "last-run.log").write_text(output)
    server_errors = len(re.findall(r"Server error", output))
    summary = [
        line.strip() for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)
    ]
    load = os.getloadavg()
    return "\n".join(
        [
            SECTION,
            "",
            f"`python -m bench.schemathesis_run {' '.join(sys.argv[1:])}` on "
            f"{time.strftime('%Y-%m-%d %H:%M')} UTC (load average {load[0]:.1f}): "
            f"schemathesis {args.examples} examples per operation at most, {elapsed:.0f} s, "
            f"seed {args.seed}, as an admin, against `serve` on the embedded stores.",
            "",
            "| exit | 5xx answers | summary |",
            "|---|---|---|",
            f"| {done.returncode} | {server_errors} | {'; '.join(summary[-3:]) or 'see log'} |",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1313)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report = run(args)
    print(report)
    if args.write:
        write_section(args.write, report, SECTION)


if __name__ == "__main__":
    main()
