// ssl_trainer: self-supervised training (SimCLR or SimSiam) of a small
// convolutional encoder on the scikit-learn digits images with libtorch,
// monitored every epoch by embed_metrics::evaluate and a linear probe.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "trainer.hpp"

#ifndef SSL_TRAINER_DEFAULT_DATA
#define SSL_TRAINER_DEFAULT_DATA "digits.csv.gz"
#endif

int main(int argc, char** argv) {
  ssl_trainer::run_options o;
  o.data = SSL_TRAINER_DEFAULT_DATA;
  bool no_report = false;

  CLI::App app{"Self-supervised training on the digits images, with the label-free report "
               "and a linear probe after every epoch"};
  app.add_option("--method", o.method, "simclr or simsiam")
      ->check(CLI::IsMember({"simclr", "simsiam"}))
      ->capture_default_str();
  app.add_option("--data", o.data, "digits.csv.gz (scikit-learn's digits images)")
      ->capture_default_str();
  app.add_option("--subset", o.subset, "use only the first N images (0: all)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--epochs", o.epochs, "training epochs; epoch 0 is the untrained encoder")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "images per step")->capture_default_str();
  app.add_option("--lr", o.lr, "Adam learning rate")->capture_default_str();
  app.add_option("--weight-decay", o.weight_decay, "Adam weight decay")->capture_default_str();
  app.add_option("--temperature", o.temperature, "NT-Xent temperature (SimCLR)")
      ->capture_default_str();
  app.add_option("--channels", o.channels, "channels of the first convolution")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--embed-dim", o.embed_dim, "encoder output dimensions (the embeddings)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--proj-dim", o.proj_dim, "projection head output dimensions")
      ->check(CLI::Range(2, 1 << 16))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "random seed (torch and the report's k-means)")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "CPU threads (1 gives bit-identical reruns)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--probe-train", o.probe_train,
                 "linear probe: train on the first N images (at most 2/3 of them), test on the rest")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--probe-steps", o.probe_steps, "linear probe: full-batch Adam steps")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--k", o.k, "clusters of the report")->check(CLI::Range(2, 1 << 20))->capture_default_str();
  app.add_option("--device", o.device, "training device: cpu, cuda, cuda:N, auto (CUDA when torch has it)")
      ->capture_default_str();
  app.add_option("--report-device", o.report_device,
                 "device of the report: train (the training device; on CUDA the embeddings are "
                 "read in place on torch's current stream), cpu, cuda, cuda:N, auto")
      ->capture_default_str();
  app.add_flag("--check-report", o.check_report,
               "also compute each report on the CPU from a host copy and compare (exit 1 when a "
               "figure differs beyond the CUDA tests' tolerances)");
  app.add_flag("--no-report", no_report,
               "skip embed_metrics::evaluate (training, probe and saved files are unchanged)");
  app.add_option("--out-dir", o.out_dir,
                 "save epoch_NNN.npy (encoder outputs of all images), labels.npy, lp_acc.txt "
                 "and metrics.csv here");
  app.add_option("--save-dtype", o.save_dtype, "dtype of the saved embeddings: f16 or f32")
      ->check(CLI::IsMember({"f16", "f32"}))
      ->capture_default_str();
  app.add_option("--view-images", o.view_images,
                 "with --out-dir, also save view1_NNN.npy and view2_NNN.npy: the embeddings of two "
                 "fixed augmented views of the first N images (alignment); 0: none")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--group-images", o.group_images,
                 "with --out-dir, also save augs_NNN.npy: --group-views fixed augmented views of "
                 "each of the first M images, image-major, and augs_groups.npy, the image of each "
                 "row (LiDAR); 0: none")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--group-views", o.group_views, "augmented views per image in augs_NNN.npy")
      ->check(CLI::Range(2, 1 << 16))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  o.report = !no_report;

  try {
    return ssl_trainer::run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ssl_trainer: error: %s\n", e.what());
    return 1;
  }
}
