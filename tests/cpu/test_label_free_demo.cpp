// The label-free metrics of the report on the bundled demo runs (data/demo:
// the trainer's embeddings, its two views per image and its groups of views)
// against float64 references (tests/golden/make_demo_label_free.py).
#include <cmath>
#include <string>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/report_metrics.hpp"

namespace em = embed_metrics;

namespace {

std::string demo_file(const std::string& run, const std::string& name) {
  return std::string(EM_GOLDEN_DIR) + "/../../data/demo/" + run + "/" + name;
}

std::string epoch_name(const char* stem, int epoch) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s_%03d.npy", stem, epoch);
  return buf;
}

void expect_close(const em::report_result& r, const nlohmann::json& c, const char* key, double rel) {
  const auto v = em::metric_value(r, key);
  ASSERT_TRUE(v.has_value()) << key << " is null";
  const double want = c[key].get<double>();
  EXPECT_LE(std::abs(*v - want), rel * std::abs(want))
      << c["run"] << " epoch " << c["epoch"] << ": " << key << " " << *v << " vs " << want;
}

}  // namespace

TEST(LabelFreeDemo, ReportEqualsTheFloat64ReferenceOnTheBundledRuns) {
  const auto golden = em_test::load_golden("demo_label_free.json");
  const em::resources res("cpu");
  for (const auto& c : golden["cases"]) {
    const std::string run = c["run"].get<std::string>();
    const int epoch = c["epoch"].get<int>();
    em::report_params p;
    p.k = 10;
    const auto x = em::load_embeddings(demo_file(run, epoch_name("epoch", epoch)));
    const auto r = em::evaluate(res, x.matrix.view(), {}, p);
    // Sums of exponentials over all pairs: 1e-5 (the bound), the rest 1e-6.
    expect_close(r, c, "uniformity", 1e-5);
    expect_close(r, c, "alpha_req", 1e-6);
    expect_close(r, c, "nesum", 1e-6);
    expect_close(r, c, "collapse_sd", 1e-6);

    const auto a = em::load_embeddings(demo_file(run, epoch_name("view1", epoch)));
    const auto b = em::load_embeddings(demo_file(run, epoch_name("view2", epoch)));
    em::report_params pv = p;
    pv.views = b.matrix.view();
    expect_close(em::evaluate(res, a.matrix.view(), {}, pv), c, "alignment", 1e-6);

    const auto g = em::load_embeddings(demo_file(run, epoch_name("augs", epoch)));
    const auto groups = em::load_labels(demo_file(run, "augs_groups.npy"));
    em::report_params pg = p;
    pg.groups = em::label_view(groups);
    expect_close(em::evaluate(res, g.matrix.view(), {}, pg), c, "lidar", 1e-6);
  }
}
