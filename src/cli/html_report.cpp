#include "cli/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli/report_output.hpp"
#include "cli/svg_cluster_sizes.hpp"
#include "cli/svg_spectrum.hpp"
#include "cli/svg_util.hpp"
#include "cli/track_figure.hpp"

namespace embed_metrics::cli {
namespace {

using svg::escape;

const char* const kStyle = R"css(
body{font-family:sans-serif;margin:16px 20px;color:#222;max-width:1400px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
p.note{color:#555;font-size:13px;margin:2px 0 8px;max-width:900px}
.ci{font-size:11px;opacity:.85}
table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;white-space:nowrap}
th{background:#f3f3f3;position:sticky;top:0}
td.text,th.text{text-align:left}
table.sortable th{cursor:pointer}
table.sortable th[aria-sort=ascending]::after{content:" \25B2"}
table.sortable th[aria-sort=descending]::after{content:" \25BC"}
div.scroll{max-height:520px;max-width:100%;overflow:auto;display:inline-block;border:1px solid #ddd}
td.meaning{text-align:left;white-space:normal;max-width:520px;color:#444}
span.key{display:inline-block;width:26px;height:12px;vertical-align:middle}
)css";

// Sorting of the checkpoint table, and the self-measurement behind #selftest.
const char* const kScript = R"js(
(function () {
  function sortBy(table, col, th) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (isNaN(nx) || isNaN(ny)) ? String(x).localeCompare(String(y)) : nx - ny;
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.addEventListener('click', function () { sortBy(table, i, th); });
    });
  });
  if (location.hash !== '#selftest') return;
  var boxes = [];
  Array.prototype.forEach.call(document.querySelectorAll('svg text'), function (t) {
    var r = t.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) boxes.push({ t: t, r: r, svg: t.ownerSVGElement.getBoundingClientRect() });
  });
  var overlaps = [], outside = [];
  for (var i = 0; i < boxes.length; ++i) {
    var a = boxes[i].r, s = boxes[i].svg;
    if (a.left < s.left - 1 || a.right > s.right + 1 || a.top < s.top - 1 || a.bottom > s.bottom + 1)
      outside.push(boxes[i].t.textContent);
    for (var j = i + 1; j < boxes.length; ++j) {
      var b = boxes[j].r;
      var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) overlaps.push([boxes[i].t.textContent, boxes[j].t.textContent]);
    }
  }
  // Sorting: the first column ascending, then descending.
  var sortOk = null, table = document.querySelector('table.sortable');
  if (table && table.tBodies[0].rows.length > 1) {
    var th = table.tHead.rows[0].cells[0];
    var col = function () {
      return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return parseFloat(r.cells[0].getAttribute('data-v')); });
    };
    th.click(); var up = col(); th.click(); var down = col();
    sortOk = up.every(function (v, k) { return k === 0 || up[k - 1] <= v; }) &&
             down.every(function (v, k) { return k === 0 || down[k - 1] >= v; });
  }
  document.getElementById('selftest-result').textContent = JSON.stringify({
    panels: document.querySelectorAll('svg.small-multiples g.panel').length,
    texts: boxes.length, overlaps: overlaps.length, overlap_examples: overlaps.slice(0, 5),
    outside: outside.length, outside_examples: outside.slice(0, 5),
    table_rows: table ? table.tBodies[0].rows.length : 0, sort_ok: sortOk,
    external: document.querySelectorAll('script[src],link[href],img[src],iframe').length
  });
})();
)js";

// Diverging colour for a correlation in [-1, 1]: red below 0, blue above.
std::string corr_colour(double v) {
  if (!std::isfinite(v)) return "#ffffff";
  const double t = std::min(1.0, std::fabs(v));
  const double to[3] = {v >= 0 ? 33.0 : 178.0, v >= 0 ? 102.0 : 24.0, v >= 0 ? 172.0 : 43.0};
  std::string colour = "#";
  for (const double c : to) colour += printed("%02x", static_cast<int>(255 + (c - 255) * t));
  return colour;
}

std::string data_value(const json& v) {
  if (v.is_number()) return printed("%.17g", v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

void write_checkpoint_table(std::ostringstream& os, const html_report_input& in) {
  os << R"(<div class="scroll"><table class="sortable" id="checkpoints"><thead><tr><th>#</th><th class="text">checkpoint</th>)";
  for (const auto& c : in.columns) os << "<th>" << escape(c) << "</th>";
  os << "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < in.checkpoints.size(); ++i) {
    const auto& cp = in.checkpoints[i];
    os << R"(<tr><td data-v=")" << i << R"(">)" << i << R"(</td><td class="text" data-v=")"
       << escape(cp.label) << R"(">)" << escape(cp.label) << "</td>";
    for (const auto& c : in.columns) {
      const json v = cp.row.contains(c) ? cp.row[c] : json(nullptr);
      os << R"(<td data-v=")" << escape(data_value(v)) << R"(">)"
         << escape(v.is_null() ? "-" : cell(v, false)) << "</td>";
    }
    os << "</tr>\n";
  }
  os << "</tbody></table></div>\n";
}

void write_correlations(std::ostringstream& os, const html_report_input& in) {
  os << "<h2>Correlation with " << escape(in.reference_key) << "</h2>\n";
  os << R"(<p class="note">Over the checkpoints )" << in.skip_first << " to "
     << in.checkpoints.size() - 1 << " (the first " << in.skip_first
     << R"( left out). Colour scale: <span class="key" style="background:)" << corr_colour(-1)
     << R"("></span> -1 <span class="key" style="background:#fff;border:1px solid #ddd"></span> 0 <span class="key" style="background:)"
     << corr_colour(1) << R"("></span> +1. In brackets: the 95 % bootstrap interval over )"
     << R"(these checkpoints (resampled with replacement, percentile); one that holds 0 means )"
     << R"(they cannot tell the sign.</p>)" << '\n';
  os << R"(<table id="correlations"><thead><tr><th class="text">metric</th><th>Spearman</th><th>Pearson</th><th>Kendall</th><th class="text">meaning</th></tr></thead><tbody>)"
     << '\n';
  for (const auto& [key, v] : in.correlations.items()) {
    os << R"(<tr><td class="text">)" << escape(key) << "</td>";
    for (const char* m : {"spearman", "pearson", "kendall"}) {
      const json& x = v.contains(m) ? v[m] : json(nullptr);
      const double d = x.is_number() ? x.get<double>() : NAN;
      os << R"(<td style="background:)" << corr_colour(d)
         << (std::fabs(d) > 0.6 ? ";color:#fff" : "") << R"(">)"
         << (std::isfinite(d) ? printed("%+.3f", d) : "n/a");
      const std::string ci_key = std::string(m) + "_ci";
      if (v.contains(ci_key))
        os << R"(<br><span class="ci">)" << escape(interval_text(v[ci_key])) << "</span>";
      os << "</td>";
    }
    os << R"(<td class="meaning">)" << escape(metric_explanation(key)) << "</td></tr>\n";
  }
  os << "</tbody></table>\n";
}

}  // namespace

std::string html_report(const html_report_input& in) {
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
     << escape(in.title) << "</title>\n<style>" << kStyle << "</style></head><body>\n";
  os << "<h1>" << escape(in.title) << "</h1>\n";
  os << R"(<p class="note">)" << in.checkpoints.size()
     << (in.checkpoints.size() == 1 ? " checkpoint" : " checkpoints")
     << ". Everything on this page is in this one file: it needs no network.</p>\n";
  if (!in.small_multiples_svg.empty()) {
    os << "<h2>Metrics by checkpoint</h2>\n<div class=\"figure\">" << in.small_multiples_svg
       << "</div>\n";
  }
  if (!in.reference_key.empty() && !in.correlations.empty()) write_correlations(os, in);
  if (in.checkpoints.size() > 1)
    os << "<h2>Every checkpoint</h2>\n<p class=\"note\">Click a column to sort by it.</p>\n";
  else
    os << "<h2>The report</h2>\n";
  write_checkpoint_table(os, in);

  std::vector<std::vector<double>> spectra;
  std::vector<std::vector<std::int64_t>> sizes;
  std::vector<std::string> labels;
  bool any_spectrum = false, any_sizes = false;
  for (const auto& cp : in.checkpoints) {
    spectra.push_back(cp.spectrum);
    sizes.push_back(cp.cluster_sizes);
    labels.push_back(cp.label);
    any_spectrum = any_spectrum || !cp.spectrum.empty();
    any_sizes = any_sizes || !cp.cluster_sizes.empty();
  }
  if (any_spectrum)
    os << "<h2>Covariance spectrum</h2>\n<p class=\"note\">The eigenvalues of each checkpoint's "
          "covariance. A tail that falls away means the embeddings use fewer dimensions "
          "(dimensional collapse).</p>\n"
       << svg_spectrum(spectra, labels) << '\n';
  if (any_sizes)
    os << "<h2>Cluster sizes of C1</h2>\n<p class=\"note\">One bar per checkpoint; one cluster "
          "holding most of the points is a degenerate clustering.</p>\n"
       << svg_cluster_sizes(sizes, labels) << '\n';

  os << "<h2>Inputs</h2>\n<table id=\"inputs\"><tbody>\n";
  for (const auto& [what, value] : in.inputs)
    os << R"(<tr><th class="text">)" << escape(what)
       << R"(</th><td class="text" style="white-space:normal">)" << escape(value) << "</td></tr>\n";
  os << "</tbody></table>\n";
  os << R"(<pre id="selftest-result"></pre>)"
     << "\n<script>" << kScript << "</script>\n</body></html>\n";
  return os.str();
}

}  // namespace embed_metrics::cli
