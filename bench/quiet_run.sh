#!/usr/bin/env bash
# Every CPU target of issue 16 in one go, for a quiet machine: prints the
# RESULTS.md rows with their ratios (bench/quiet_summary.py) and keeps every
# measurement as JSON under the output folder.
#
#   bench/quiet_run.sh [--quick] [--build DIR] [--out DIR]
#
# In order, each step timing ours and the peers in the same rounds:
#   1. bench/compare.py (W0, W1): kNN vs FAISS IndexFlatL2, silhouette vs
#      scikit-learn (Debian's and PyPI's), Lloyd vs its memory floor and
#      FAISS Kmeans, and the machine's ceilings (SGEMM, triad bandwidth);
#      the PyPI peers go into DIR/peer-venv (made on first use);
#   2. em_bench: the W1 silhouette and the SGEMM rate of the library's own
#      BLAS at the same thread counts, back to back, repeated (its floor is
#      n^2 d / that rate);
#   3. the library's SGEMM rate with each BLAS it can run (EMBED_METRICS_BLAS
#      =system, =newer) and with the system one forced to its generic kernels
#      (OPENBLAS_CORETYPE=Prescott: what it does on a CPU this one is not);
#   4. bench/sgemm_rate.py: SGEMM 2048^3 at 1 and 2 threads of Debian's
#      OpenBLAS and the current one (scipy-openblas32), native and forced;
#   5. bench/whole_command.py: kmeans, silhouette and eval at W0 and W1,
#      process start to exit, against the peers' whole Python processes.
# --quick: one repetition of everything, small SGEMM, to check that it runs
# (a few minutes; the figures mean nothing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="$root/build"
out=""
quick=0
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --build) build="$2"; shift ;;
    --out) out="$2"; shift ;;
    *) echo "quiet_run.sh: unknown argument '$1' (use --quick, --build DIR, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$build/quiet-run}"
py=/usr/bin/python3
exe="$build/embed-metrics"
bench="$build/bench/em_bench"
for f in "$exe" "$bench"; do
  [ -x "$f" ] || { echo "quiet_run.sh: $f is missing: build first (cmake --build $build)" >&2; exit 2; }
done
mkdir -p "$out/data"
peers="$build/peer-venv"
newer_py="$build/blas-venv/bin/python"
[ -x "$newer_py" ] || newer_py="$peers/bin/python"

if ((quick)); then
  reps=1; cmp_args=(--repetitions 1 --bench-repetitions 1 --min-time 0.01 --budget-s 600)
  wc_args=(--rounds 1 --no-warm-up); sg_args=(--size 512 --rounds 1 --repeats 1); min_time=0.01
else
  reps=5; cmp_args=(--repetitions 5 --bench-repetitions 5 --budget-s 1500)
  wc_args=(--rounds 7); sg_args=(--rounds 5 --repeats 3); min_time=0.5
fi
echo "quiet_run: $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), output $out" >&2

echo "== 1/5 compare.py" >&2
"$py" "$here/compare.py" --device cpu --workloads W0,W1 --data-dir "$out/data" --peers install \
  --peers-venv "$peers" --em-bench "$bench" --json "$out/compare-cpu.json" --markdown "$out/compare-cpu.md" \
  "${cmp_args[@]}" > "$out/compare-cpu.txt"

echo "== 2/5 silhouette W1 and its floor, back to back" >&2
EM_BENCH_DATA="$out/data" "$bench" --benchmark_filter='^BM_silhouette_(cpu_W1|sgemm_rate_cpu)/' \
  --benchmark_repetitions="$reps" --benchmark_min_time="$min_time" \
  --benchmark_format=json > "$out/silhouette-floor.json"

echo "== 3/5 the library's SGEMM with each BLAS" >&2
# A build without its own newer OpenBLAS (no blas-venv at configure time)
# is pointed at the one of the Python that step 4 times.
newer_lib="$("$newer_py" -c 'import os, scipy_openblas32 as s; print(os.path.join(s.get_lib_dir(), "lib" + s.get_library() + ".so"))' 2>/dev/null || true)"
for mode in system newer prescott; do
  env_args=(EMBED_METRICS_BLAS="$mode")
  if [ "$mode" = newer ] && [ -n "$newer_lib" ] &&
     ! EMBED_METRICS_BLAS=newer "$exe" devices 2>/dev/null | grep -q 'scipy-openblas'; then
    env_args+=(EMBED_METRICS_NEWER_OPENBLAS="$newer_lib")
  fi
  [ "$mode" = prescott ] && env_args=(OPENBLAS_CORETYPE=Prescott)
  env "${env_args[@]}" EM_BENCH_DATA="$out/data" "$bench" --benchmark_filter='^BM_silhouette_sgemm_rate_cpu/' \
    --benchmark_repetitions="$reps" --benchmark_min_time="$min_time" \
    --benchmark_format=json > "$out/library-sgemm-$mode.json"
done

echo "== 4/5 sgemm_rate.py" >&2
"$py" "$here/sgemm_rate.py" --threads 1,2 --coretypes Prescott,Haswell,SkylakeX \
  --wheel-python "$newer_py" --json "$out/sgemm-rate.json" "${sg_args[@]}" > "$out/sgemm-rate.txt"

echo "== 5/5 whole commands" >&2
"$py" "$here/whole_command.py" --exe "$exe" --data "$out/data" --workloads W0,W1 --threads 1,2 \
  --peer "scikit-learn Debian=$py" --peer "scikit-learn PyPI=$peers/bin/python" \
  --peer "FAISS=$peers/bin/python:faiss" --json "$out/whole-command.json" "${wc_args[@]}" \
  > "$out/whole-command.txt"

"$py" "$here/quiet_summary.py" "$out" | tee "$out/summary.md"
