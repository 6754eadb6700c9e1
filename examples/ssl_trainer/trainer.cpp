#include "trainer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "augment.hpp"
#include "device_report.hpp"
#include "digits.hpp"
#include "embed_metrics/io.hpp"
#include "embed_metrics/report.hpp"
#include "embed_metrics/resources.hpp"
#include "losses.hpp"
#include "model.hpp"
#include "npy_f16.hpp"
#include "probe.hpp"

namespace ssl_trainer {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// The figures of one epoch's line.
struct epoch_figures {
  int epoch = 0;
  std::optional<double> loss;  // none for epoch 0 (no training yet)
  double lp_acc = 0.0;
  embed_metrics::report_result report;
  double train_seconds = 0.0;
  double eval_seconds = 0.0;
};

std::string fmt(const std::optional<double>& v, int width, int precision) {
  char buf[64];
  if (v) {
    std::snprintf(buf, sizeof(buf), "%*.*f", width, precision, *v);
  } else {
    std::snprintf(buf, sizeof(buf), "%*s", width, "-");
  }
  return buf;
}

void print_header() {
  std::printf("%5s %8s %7s %10s %9s %11s %9s %7s %7s\n", "epoch", "loss", "lp_acc", "silhouette",
              "ami_c1c2", "knn_entropy", "ami_c1gt", "train_s", "eval_s");
}

void print_line(const epoch_figures& f) {
  std::printf("%5d %s %s %s %s %s %s %7.2f %7.2f\n", f.epoch, fmt(f.loss, 8, 4).c_str(),
              fmt(f.lp_acc, 7, 4).c_str(), fmt(f.report.silhouette, 10, 4).c_str(),
              fmt(f.report.ami_c1_c2, 9, 4).c_str(), fmt(f.report.knn_entropy, 11, 3).c_str(),
              fmt(f.report.ami_c1_gt, 9, 4).c_str(), f.train_seconds, f.eval_seconds);
  std::fflush(stdout);
}

/// CSV field: the value, or empty when absent.
std::string csv(const std::optional<double>& v) {
  if (!v) return "";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", *v);
  return buf;
}

bool finite_or_absent(const std::optional<double>& v) { return !v || std::isfinite(*v); }

/// The networks of one method; forward() gives the loss of a pair of views.
class ssl_model {
 public:
  explicit ssl_model(const run_options& o)
      : simsiam_(o.method == "simsiam"),
        temperature_(o.temperature),
        encoder_(o.channels, o.embed_dim),
        projector_(make_mlp(o.embed_dim, 2 * o.embed_dim, o.proj_dim, /*final_norm=*/simsiam_)) {
    if (simsiam_) predictor_ = make_mlp(o.proj_dim, o.proj_dim / 2, o.proj_dim, false);
  }

  std::vector<torch::Tensor> parameters() const {
    auto p = encoder_->parameters();
    for (const auto& t : projector_->parameters()) p.push_back(t);
    if (simsiam_)
      for (const auto& t : predictor_->parameters()) p.push_back(t);
    return p;
  }

  void to(const torch::Device& device) {
    encoder_->to(device);
    projector_->to(device);
    if (simsiam_) predictor_->to(device);
  }

  void train(bool on) {
    encoder_->train(on);
    projector_->train(on);
    if (simsiam_) predictor_->train(on);
  }

  torch::Tensor loss(const torch::Tensor& v1, const torch::Tensor& v2) {
    const auto z1 = projector_->forward(encoder_->forward(v1));
    const auto z2 = projector_->forward(encoder_->forward(v2));
    if (!simsiam_) return nt_xent(z1, z2, temperature_);
    return simsiam_loss(predictor_->forward(z1), predictor_->forward(z2), z1, z2);
  }

  /// Encoder outputs of @p images in evaluation mode (batch norm running
  /// statistics); the caller switches back to training mode.
  torch::Tensor embed(const torch::Tensor& images) {
    torch::NoGradGuard no_grad;
    train(false);
    return encoder_->forward(images).contiguous();
  }

 private:
  bool simsiam_;
  double temperature_;
  encoder encoder_;
  torch::nn::Sequential projector_;
  torch::nn::Sequential predictor_{nullptr};
};

void check_options(const run_options& o) {
  if (o.method != "simclr" && o.method != "simsiam")
    throw std::invalid_argument("--method must be simclr or simsiam, not " + o.method);
  if (o.save_dtype != "f16" && o.save_dtype != "f32")
    throw std::invalid_argument("--save-dtype must be f16 or f32, not " + o.save_dtype);
  if (o.epochs < 0) throw std::invalid_argument("--epochs must be >= 0");
  if (o.batch_size < 2) throw std::invalid_argument("--batch-size must be >= 2");
  if (o.threads < 1) throw std::invalid_argument("--threads must be >= 1");
  if (o.temperature <= 0) throw std::invalid_argument("--temperature must be > 0");
  if (o.view_images < 0) throw std::invalid_argument("--view-images must be >= 0");
  if (o.group_images < 0) throw std::invalid_argument("--group-images must be >= 0");
  if (o.group_images > 0 && o.group_views < 2)
    throw std::invalid_argument("--group-views must be >= 2 (a group needs several views)");
}

/// The fixed augmented views whose embeddings are saved every epoch: drawn
/// once, on the CPU, from a generator of their own, so that the training's
/// draws (and with them the saved epoch embeddings) are the same with or
/// without them, and the views the same on every device and every epoch.
struct saved_views {
  torch::Tensor view1, view2;  // two views of images [0, view_images)
  torch::Tensor augs;          // group_views views of each of images [0, group_images), image-major
  std::vector<std::int64_t> groups;  // the image of each row of augs
};

saved_views make_saved_views(const torch::Tensor& cpu_images, const run_options& o,
                             const augment_params& aug, const torch::Device& device) {
  saved_views v;
  const std::int64_t n = cpu_images.size(0);
  // An odd constant away from the training seed: a stream of its own.
  at::Generator gen = at::detail::createCPUGenerator(o.seed ^ 0x9E3779B97F4A7C15ULL);
  const std::int64_t m = std::min(o.view_images, n);
  if (m > 0) {
    const auto sub = cpu_images.slice(0, 0, m);
    v.view1 = augment(sub, aug, gen).to(device);
    v.view2 = augment(sub, aug, gen).to(device);
  }
  const std::int64_t g = std::min(o.group_images, n);
  if (g > 0) {
    const auto repeated = cpu_images.slice(0, 0, g).repeat_interleave(o.group_views, 0);
    v.augs = augment(repeated, aug, gen).to(device);
    for (std::int64_t i = 0; i < g; ++i)
      for (std::int64_t q = 0; q < o.group_views; ++q) v.groups.push_back(i);
  }
  return v;
}

void save_embeddings(const std::string& path, const torch::Tensor& emb, const std::string& dtype) {
  const torch::Tensor host = emb.to(torch::kCPU).contiguous();
  if (dtype == "f16") {
    save_npy_f16(path, host);
  } else {
    embed_metrics::save_npy(path, embed_metrics::matrix_view(host.data_ptr<float>(), host.size(0),
                                                             host.size(1)));
  }
}

}  // namespace

int run(const run_options& o) {
  check_options(o);
  torch::manual_seed(o.seed);
  torch::set_num_threads(o.threads);

  const digits data = load_digits(o.data, o.subset);
  const std::int64_t n = data.images.size(0);
  if (n < o.batch_size)
    throw std::invalid_argument("--batch-size " + std::to_string(o.batch_size) + " exceeds the " +
                                std::to_string(n) + " images");
  probe_params probe;
  probe.train_rows = std::min(o.probe_train, n * 2 / 3);
  probe.steps = o.probe_steps;

  const torch::Device device = training_device(o.device);
  const torch::Tensor images = data.images.to(device);
  const torch::Tensor labels_on_device = torch::tensor(data.labels, torch::kLong).to(device);
  const augment_params aug;
  const saved_views views = o.out_dir.empty() ? saved_views{}
                                              : make_saved_views(data.images, o, aug, device);

  std::optional<embed_metrics::resources> res;
  std::optional<embed_metrics::resources> cpu_res;
  embed_metrics::report_params rp;
  if (o.report) {
    res.emplace(report_device(o.report_device, device), o.threads);
    if (o.check_report && res->is_cuda()) cpu_res.emplace("cpu", o.threads);
    rp.k = o.k;
    rp.seed = o.seed;
  }

  std::ofstream lp_file;
  std::ofstream csv_file;
  if (!o.out_dir.empty()) {
    std::filesystem::create_directories(o.out_dir);
    embed_metrics::save_npy(o.out_dir + "/labels.npy", data.labels);
    if (!views.groups.empty()) embed_metrics::save_npy(o.out_dir + "/augs_groups.npy", views.groups);
    lp_file.open(o.out_dir + "/lp_acc.txt");
    csv_file.open(o.out_dir + "/metrics.csv");
    if (!lp_file || !csv_file) throw std::runtime_error("cannot write in " + o.out_dir);
    lp_file << "lp_acc\n";
    csv_file << "epoch,loss,lp_acc,silhouette,ami_c1_c2,knn_entropy,ami_c1_gt,train_seconds\n";
  }

  ssl_model model(o);
  model.to(device);
  torch::optim::Adam opt(model.parameters(),
                         torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));

  std::printf("# %s on %lld digits images (training on %s), %d epochs, batch %lld, seed %llu, %d thread(s), report %s\n",
              o.method.c_str(), static_cast<long long>(n), device.str().c_str(), o.epochs,
              static_cast<long long>(o.batch_size), static_cast<unsigned long long>(o.seed),
              o.threads, res ? res->describe().c_str() : "off");
  print_header();

  int status = 0;
  for (int epoch = 0; epoch <= o.epochs; ++epoch) {
    epoch_figures f;
    f.epoch = epoch;
    auto t0 = clock_type::now();
    if (epoch > 0) {
      model.train(true);
      // Drawn on the CPU (the same order on every device), used where the images are.
      const auto perm = torch::randperm(n, torch::kLong).to(device);
      double sum = 0.0;
      int steps = 0;
      for (std::int64_t start = 0; start + o.batch_size <= n; start += o.batch_size) {
        const auto batch = images.index_select(0, perm.slice(0, start, start + o.batch_size));
        const auto v1 = augment(batch, aug);
        const auto v2 = augment(batch, aug);
        opt.zero_grad();
        const auto loss = model.loss(v1, v2);
        loss.backward();
        opt.step();
        sum += loss.item<double>();
        ++steps;
      }
      f.loss = sum / steps;
    }
    f.train_seconds = seconds_since(t0);

    t0 = clock_type::now();
    const torch::Tensor emb = model.embed(images);
    // The probe is the trainer's own check, run on a host copy (a no-op on the CPU).
    const torch::Tensor emb_host = emb.to(torch::kCPU).contiguous();
    f.lp_acc = linear_probe_accuracy(emb_host, data.labels, probe);
    if (res) f.report = evaluate_tensor(*res, emb, data.labels, labels_on_device, rp);
    f.eval_seconds = seconds_since(t0);
    print_line(f);
    if (cpu_res) {
      const auto want = evaluate_tensor(*cpu_res, emb_host, data.labels, labels_on_device, rp);
      const auto differ = report_differences(f.report, want);
      for (const auto& line : differ) std::fprintf(stderr, "ssl_trainer: epoch %d: %s\n", epoch, line.c_str());
      std::printf("# epoch %d: the %s report %s the CPU report\n", epoch, f.report.device.c_str(),
                  differ.empty() ? "equals (within the CUDA tests' tolerances)" : "DIFFERS from");
      if (!differ.empty()) status = 1;
    }

    if (!o.out_dir.empty()) {
      auto path = [&](const char* prefix) {
        char name[48];
        std::snprintf(name, sizeof(name), "/%s_%03d.npy", prefix, epoch);
        return o.out_dir + name;
      };
      save_embeddings(path("epoch"), emb_host, o.save_dtype);
      if (views.view1.defined()) {
        save_embeddings(path("view1"), model.embed(views.view1), o.save_dtype);
        save_embeddings(path("view2"), model.embed(views.view2), o.save_dtype);
      }
      if (views.augs.defined()) save_embeddings(path("augs"), model.embed(views.augs), o.save_dtype);
      lp_file << csv(f.lp_acc) << '\n' << std::flush;
      csv_file << epoch << ',' << csv(f.loss) << ',' << csv(f.lp_acc) << ','
               << csv(f.report.silhouette) << ',' << csv(f.report.ami_c1_c2) << ','
               << csv(f.report.knn_entropy) << ',' << csv(f.report.ami_c1_gt) << ','
               << csv(f.train_seconds) << '\n'
               << std::flush;
    }
    const bool ok = finite_or_absent(f.loss) && f.lp_acc >= 0.0 && f.lp_acc <= 1.0 &&
                    finite_or_absent(f.report.silhouette) && finite_or_absent(f.report.ami_c1_c2) &&
                    finite_or_absent(f.report.knn_entropy) && finite_or_absent(f.report.ami_c1_gt);
    if (!ok) {
      std::fprintf(stderr, "ssl_trainer: error: a figure of epoch %d is not finite\n", epoch);
      status = 1;
      break;
    }
  }
  return status;
}

}  // namespace ssl_trainer
