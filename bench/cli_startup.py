"""Start-up of `smartrec check "one draft"`, as ratios to the import floor measured in the same run.

Usage: python bench/cli_startup.py [--runs 9] [--no-proselint]

Each figure is the median wall time of fresh processes:
  floor        python -c "import pydantic, yaml, regex"
  warm         smartrec check "<draft>"  (defaults: spelling on; caches already built); the
               issue's draft has one English function word, so the language detector
               (py3langid, which imports numpy) has to decide that it is English
  warm, plain  the same with a draft the quick English test settles without the detector
  rule change  the same after a rule file changed (the compiled-rule cache misses, the word
               tables are warm): an extra --rules file gets a new comment before every run
  cold         with an empty cache folder (first run after installing)
  proselint    proselint 0.16 (throw-away venv) on a one-line file, for comparison
Targets: warm <= 4x floor, rule change <= 10x floor. The user's own settings and rules are not
used (a temporary config folder); LanguageTool is not configured, so grammar is off. Byte code
is compiled once and kept, as in an installed program (bench/userenv.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.userenv import user_env

DRAFT = "Ensure free and fair elections."
PLAIN = "Ensure that the elections are free and fair."
RULE = """\
# run {n}
pack: bench
rules:
  - id: bench.vague
    kind: existence
    dimension: specific
    message: "'{{match}}' is vague"
    terms: [ensure]
    examples: {{flag: ["Ensure it."], pass: ["Adopt it."]}}
"""


def timed(command: list[str], env: dict[str, str], before: Callable[[], None] | None = None
          ) -> float:
    if before is not None:
        before()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-proselint", action="store_true", help="skip the proselint figure")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="smartrec-startup-"))
    env = user_env(tmp)
    python = sys.executable
    smartrec = [python, "-m", "app", "check", "--no-user-rules"]
    rule_file = tmp / "extra.yaml"
    counter = iter(range(1_000_000))

    def touch_rule() -> None:
        rule_file.write_text(RULE.format(n=next(counter)), encoding="utf-8")

    touch_rule()
    floor_cmd = [python, "-c", "import pydantic, yaml, regex"]
    warm_cmd = [*smartrec, DRAFT]
    changed_cmd = [*smartrec, "--rules", str(rule_file), DRAFT]
    cold_envs = iter(dict(env, XDG_CACHE_HOME=str(tmp / f"cold{i}")) for i in range(10_000))
    timed(warm_cmd, env)  # builds the caches
    timed(changed_cmd, env)

    plain_cmd = [*smartrec, PLAIN]
    figures: dict[str, list[float]] = {
        "floor": [], "warm": [], "warm, plain": [], "rule change": [], "cold": []
    }
    proselint = None
    if not args.no_proselint:
        from bench.proselint_ref import Proselint

        print("installing proselint 0.16 into a throw-away venv ...", flush=True)
        proselint = Proselint()
        one_line = tmp / "draft.txt"
        one_line.write_text(DRAFT + "\n", encoding="utf-8")
        figures["proselint"] = []
    try:
        for _ in range(args.runs):  # interleaved, so that load changes hit every figure alike
            figures["floor"].append(timed(floor_cmd, env))
            figures["warm"].append(timed(warm_cmd, env))
            figures["warm, plain"].append(timed(plain_cmd, env))
            figures["rule change"].append(timed(changed_cmd, env, touch_rule))
            figures["cold"].append(timed(warm_cmd, next(cold_envs)))
            if proselint is not None:
                figures["proselint"].append(
                    timed(proselint.command("check", str(one_line)), env))
    finally:
        if proselint is not None:
            proselint.close()
    floor = statistics.median(figures["floor"])
    targets = {"warm": 4.0, "warm, plain": 4.0, "rule change": 10.0}
    print(f"median of {args.runs} runs each, wall time of a fresh process:")
    for name, values in figures.items():
        median = statistics.median(values)
        line = f"  {name:<13} {median * 1000:7.0f} ms  = {median / floor:5.2f}x the import floor"
        if name in targets:
            ok = median / floor <= targets[name]
            line += f"  (target <= {targets[name]:g}x: {'OK' if ok else 'MISSED'})"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
