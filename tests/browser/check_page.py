#!/usr/bin/env python3
"""Renders what the tool writes in headless Chromium and checks it as a person
would see it.

  check_page.py --case demo|stress|eval --tool embed-metrics --source-dir DIR --work-dir DIR

demo:   `track` on the bundled SimCLR run (data/demo/simclr) with --html and --plot
stress: `track --from-log` on a log of 200 checkpoints and 16 metrics
eval:   `eval --html` on one checkpoint

For every HTML page: the page opened with #selftest measures itself and
writes the result into #selftest-result (read back with --dump-dom): the
number of panels, pairs of overlapping text boxes, text outside its figure,
external resources, and whether the checkpoint table sorts. For every SVG:
it parses as XML with one panel per metric, and its texts, measured the same
way in a page that inlines it, do not overlap. Each screenshot is decoded
and must not be blank. Exits 77 (ctest: skipped) without Chromium, unless
EM_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""
import argparse
import html
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG_NS = "{http://www.w3.org/2000/svg}"

# The test's own measurement for a bare SVG (the product's page measures itself).
MEASURE_JS = """
(function () {
  var boxes = Array.prototype.map.call(document.querySelectorAll('svg text'), function (t) {
    return { s: t.textContent, r: t.getBoundingClientRect(), o: t.ownerSVGElement.getBoundingClientRect() };
  }).filter(function (b) { return b.r.width > 0 && b.r.height > 0; });
  var overlaps = [], outside = 0;
  for (var i = 0; i < boxes.length; ++i) {
    var a = boxes[i].r, o = boxes[i].o;
    if (a.left < o.left - 1 || a.right > o.right + 1 || a.top < o.top - 1 || a.bottom > o.bottom + 1) ++outside;
    for (var j = i + 1; j < boxes.length; ++j) {
      var b = boxes[j].r;
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1) overlaps.push([boxes[i].s, boxes[j].s]);
    }
  }
  document.getElementById('selftest-result').textContent = JSON.stringify({
    panels: document.querySelectorAll('svg g.panel').length, texts: boxes.length,
    overlaps: overlaps.length, overlap_examples: overlaps.slice(0, 5), outside: outside });
})();
"""


class Failure(Exception):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(browser, args, timeout=90):
    profile = tempfile.mkdtemp(prefix="em-chromium-")
    try:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--user-data-dir=" + profile,
               # No network: a page that needed one would show it.
               "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"] + args
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        if out.returncode != 0:
            raise Failure("chromium failed (%d): %s" % (out.returncode, out.stderr.decode()[-2000:]))
        return out.stdout.decode("utf-8", "replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_pixels(path):
    """(width, height, channels, bytes) of an 8-bit PNG: Pillow when present, else zlib."""
    try:
        from PIL import Image
        im = Image.open(path).convert("RGB")
        return im.width, im.height, 3, im.tobytes()
    except ImportError:
        pass
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise Failure(path + " is not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                raise Failure("unexpected PNG format (depth %d, colour type %d)" % (depth, ctype))
            ch = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), w * ch
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b, c = prev[i], prev[i - ch] if i >= ch else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return w, h, ch, bytes(out)


def check_screenshot(path, what):
    w, h, ch, px = png_pixels(path)
    step = max(1, (w * h) // 200000)  # a sample of pixels is enough for the statistics
    lum = [(px[i] * 299 + px[i + 1] * 587 + px[i + 2] * 114) // 1000 for i in range(0, w * h * ch, ch * step)]
    mean = sum(lum) / len(lum)
    var = sum((v - mean) ** 2 for v in lum) / len(lum)
    ink = sum(1 for v in lum if v < 200) / len(lum)
    print("%s: screenshot %dx%d, luminance variance %.0f, %.1f%% dark pixels" % (what, w, h, var, 100 * ink))
    if var < 100 or ink < 0.005:
        raise Failure("%s: the screenshot is blank (variance %.0f, %.2f%% dark pixels)" % (what, var, 100 * ink))


def selftest(browser, page):
    dom = chromium(browser, ["--virtual-time-budget=5000", "--dump-dom", "file://" + os.path.abspath(page) + "#selftest"])
    m = re.search(r'<pre id="selftest-result">(.*?)</pre>', dom, re.S)
    if not m or not m.group(1).strip():
        raise Failure(page + ": the page's self-test wrote nothing into #selftest-result")
    return json.loads(html.unescape(m.group(1)))


def check_html(browser, page, panels, rows):
    r = selftest(browser, page)
    print("%s: %s" % (os.path.basename(page), json.dumps(r)))
    if r["panels"] != panels:
        raise Failure("%s: %d panels, expected %d" % (page, r["panels"], panels))
    if r["texts"] < 10:
        raise Failure("%s: only %d text boxes were measured" % (page, r["texts"]))
    if r["overlaps"]:
        raise Failure("%s: %d pairs of overlapping text, e.g. %s" % (page, r["overlaps"], r["overlap_examples"]))
    if r["outside"]:
        raise Failure("%s: %d texts outside their figure, e.g. %s" % (page, r["outside"], r["outside_examples"]))
    if r["external"]:
        raise Failure("%s: %d external resources" % (page, r["external"]))
    if r["table_rows"] != rows:
        raise Failure("%s: the checkpoint table has %d rows, expected %d" % (page, r["table_rows"], rows))
    if rows > 1 and r["sort_ok"] is not True:
        raise Failure("%s: the checkpoint table does not sort" % page)
    shot = page + ".png"
    chromium(browser, ["--window-size=1366,2400", "--screenshot=" + shot, "file://" + os.path.abspath(page)])
    check_screenshot(shot, os.path.basename(page))


def check_svg(browser, svg, metrics, work):
    root = ET.parse(svg).getroot()
    found = [g.get("data-metric") for g in root.iter(SVG_NS + "g") if g.get("class") == "panel"]
    if found != metrics:
        raise Failure("%s: panels %s, expected one per metric %s" % (svg, found, metrics))
    for g in root.iter(SVG_NS + "g"):
        if g.get("class") == "panel":
            axes = [s.get("data-axis") for s in g.iter(SVG_NS + "g") if s.get("class") == "series"]
            if "left" not in axes:
                raise Failure("%s: panel %s draws no series" % (svg, g.get("data-metric")))
    text = open(svg, encoding="utf-8").read()
    harness = os.path.join(work, os.path.basename(svg) + ".html")
    with open(harness, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">'
                + re.sub(r"^<\?xml[^>]*>\s*", "", text)
                + '<pre id="selftest-result"></pre><script>' + MEASURE_JS + "</script></body></html>")
    r = selftest(browser, harness)
    print("%s: %s" % (os.path.basename(svg), json.dumps(r)))
    if r["panels"] != len(metrics) or r["overlaps"] or r["outside"]:
        raise Failure("%s: %s" % (svg, json.dumps(r)))
    w = int(float(root.get("width")))
    h = int(float(root.get("height")))
    shot = svg + ".png"
    chromium(browser, ["--window-size=%d,%d" % (w, h), "--screenshot=" + shot, "file://" + os.path.abspath(svg)])
    check_screenshot(shot, os.path.basename(svg))


def run_tool(tool, args):
    out = subprocess.run([tool] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    if out.returncode != 0:
        raise Failure("embed-metrics %s failed: %s" % (" ".join(args), out.stderr.decode()))
    return out.stdout.decode()


def write_stress_log(path, n_ckpt=200, n_metrics=16):
    """A log of 200 checkpoints and 16 metrics of very different scales and signs."""
    rng = random.Random(21)
    names = ["metric_%02d_%s" % (i, ["score", "nats", "large_scale_value", "tiny"][i % 4]) for i in range(n_metrics)]
    scale = [1.0, -150.0, 2.5e6, 3e-4]
    with open(path, "w") as f:
        f.write("step," + ",".join(names) + ",lp_accuracy\n")
        for c in range(n_ckpt):
            t = c / (n_ckpt - 1)
            vals = [scale[i % 4] * (0.2 + t ** (1 + i % 3) + 0.05 * rng.random()) for i in range(n_metrics)]
            f.write("%d,%s,%.5f\n" % (1000 * c, ",".join("%.6g" % v for v in vals), 0.3 + 0.6 * t + 0.02 * rng.random()))
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True, choices=["demo", "stress", "eval"])
    ap.add_argument("--tool", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    a = ap.parse_args()
    browser = find_chromium()
    if not browser:
        why = "chromium is not installed (scripts/setup-deps --browser installs Debian's chromium)"
        if os.environ.get("EM_REQUIRE_BROWSER") == "1":
            print("FAILED: " + why)
            return 1
        print("skipped: " + why)
        return 77
    os.makedirs(a.work_dir, exist_ok=True)
    demo = os.path.join(a.source_dir, "data", "demo")
    # The report's metrics with values on the demo run, in the registry's
    # order (alignment and LiDAR need --views / --groups: null, no panel).
    with_labels = ["silhouette", "ami_c1_c2", "ari_c1_c2", "knn_entropy", "gaussian_entropy", "effective_rank",
                   "inertia", "davies_bouldin", "calinski_harabasz", "uniformity", "alpha_req", "nesum",
                   "collapse_sd", "ami_c1_gt", "ari_c1_gt", "knn_accuracy"]
    try:
        if a.case == "demo":
            ckpts = sorted(os.path.join(demo, "simclr", f) for f in os.listdir(os.path.join(demo, "simclr"))
                           if f.startswith("epoch_") and f.endswith(".npy"))
            page, svg = os.path.join(a.work_dir, "simclr.html"), os.path.join(a.work_dir, "simclr.svg")
            run_tool(a.tool, ["track"] + ckpts + ["--labels", os.path.join(demo, "labels.npy"), "--lp-acc",
                              os.path.join(demo, "simclr", "lp_acc.txt"), "--k", "10", "--skip-first", "2",
                              "--device", "cpu", "--html", page, "--plot", svg])
            check_html(browser, page, len(with_labels), len(ckpts))
            check_svg(browser, svg, with_labels, a.work_dir)
        elif a.case == "stress":
            log = os.path.join(a.work_dir, "stress.csv")
            names = write_stress_log(log)
            page, svg = os.path.join(a.work_dir, "stress.html"), os.path.join(a.work_dir, "stress.svg")
            run_tool(a.tool, ["track", "--from-log", log, "--skip-first", "20", "--correlation", "pearson",
                              "--html", page, "--plot", svg])
            check_html(browser, page, len(names), 200)
            check_svg(browser, svg, names, a.work_dir)
        else:
            page = os.path.join(a.work_dir, "eval.html")
            run_tool(a.tool, ["eval", os.path.join(demo, "simclr", "epoch_015.npy"), "--labels",
                              os.path.join(demo, "labels.npy"), "--k", "10", "--device", "cpu", "--html", page])
            check_html(browser, page, 0, 1)
    except Failure as e:
        print("FAILED: %s" % e)
        return 1
    print("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
