#!/usr/bin/env bash
# Remakes docs/report-simclr.png, the README's picture of the report page:
# the demo's out/simclr.html (scripts/demo) rendered by headless Chromium at
# 1320 pixels wide, the white below the page trimmed, and the colours
# reduced to a 128-colour palette so that the file stays small (~130 KB).
# Needs chromium and Pillow (scripts/setup-deps --browser).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f out/simclr.html ] || bash scripts/demo >/dev/null
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1320,2800 --screenshot="$profile/page.png" "file://$PWD/out/simclr.html" 2>/dev/null
/usr/bin/python3 - "$profile/page.png" docs/report-simclr.png <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
px, (w, h) = im.load(), im.size
bottom = h
while bottom > 1 and all(px[x, bottom - 1] == (255, 255, 255) for x in range(0, w, 4)):
    bottom -= 1
im = im.crop((0, 0, w, min(h, bottom + 16)))
im.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(sys.argv[2], optimize=True)
PY
ls -l docs/report-simclr.png
