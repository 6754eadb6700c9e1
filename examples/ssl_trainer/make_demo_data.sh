#!/usr/bin/env bash
# Remakes the bundled demo trajectories in data/demo/: one SimCLR and one
# SimSiam run of the example trainer (15 epochs, seed 0, one thread, so the
# files are the same on every run of the same build), each epoch's encoder
# outputs saved as float16 .npy with the linear-probe accuracy per epoch, and
# the embeddings of the fixed augmented views (view1/view2_NNN.npy for
# alignment, augs_NNN.npy with augs_groups.npy for LiDAR).
# Extra arguments go to both runs (e.g. --no-report). BUILD_DIR (default
# build) is the CMake build folder to use.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup-deps --examples
export PATH="$PATH:/usr/local/cuda/bin"
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target ssl_trainer >/dev/null
for method in simclr simsiam; do
  dir=data/demo/$method
  rm -rf "$dir"
  mkdir -p "$dir"
  "$build"/examples/ssl_trainer --method "$method" --epochs 15 --seed 0 --threads 1 \
    --save-dtype f16 --out-dir "$dir" "$@" | tee "$dir/log.txt"
  mv "$dir/labels.npy" data/demo/labels.npy
done
