"""Build the one-folder PyInstaller bundle and prove it runs: `python tools/build_bundle.py`.

Builds `build.spec` into build/dist/smartrec, runs `<bundle>/smartrec --selftest` offscreen with a
clean environment (no venv on PATH, no PYTHONPATH), and prints the bundle size and build time.
Exit code 0 only when the build and the selftest both succeed. Needs `pip install -e '.[build]'`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="only run the selftest")
    parser.add_argument("--dist", default=str(ROOT / "build" / "dist"))
    parser.add_argument("--work", default=str(ROOT / "build" / "work"))
    args = parser.parse_args(argv)
    dist = Path(args.dist)
    bundle = dist / "smartrec"
    exe = bundle / ("smartrec.exe" if sys.platform == "win32" else "smartrec")

    build_s = 0.0
    if not args.skip_build:
        cmd = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm",
               "--clean", "--log-level", "WARN", "--distpath", str(dist), "--workpath", args.work]
        print("$", " ".join(cmd), flush=True)
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT)
        build_s = time.perf_counter() - started
        if done.returncode != 0:
            print(f"build FAILED (exit {done.returncode}) after {build_s:.0f} s")
            return 1
    if not exe.exists():
        print(f"no executable at {exe}")
        return 1

    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DISPLAY", "WAYLAND_DISPLAY"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in p)
    print(f"$ QT_QPA_PLATFORM=offscreen {exe} --selftest", flush=True)
    started = time.perf_counter()
    selftest = subprocess.run([str(exe), "--selftest"], cwd=dist, env=env, timeout=300)
    selftest_s = time.perf_counter() - started
    size_mb = folder_size(bundle) / 1_000_000
    files = sum(1 for p in bundle.rglob("*") if p.is_file())
    print(f"bundle: {bundle}")
    print(f"bundle size: {size_mb:.1f} MB in {files} files")
    if build_s:
        print(f"build time: {build_s:.0f} s")
    print(f"selftest: exit {selftest.returncode} in {selftest_s:.1f} s")
    return 0 if selftest.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
