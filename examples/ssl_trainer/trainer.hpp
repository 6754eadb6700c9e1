#pragma once
/// @file trainer.hpp
/// @brief The self-supervised training run: SimCLR or SimSiam on the digits
/// images, with the library's label-free report and a linear probe after
/// every epoch.

#include <cstdint>
#include <string>

namespace ssl_trainer {

/// @brief Everything a run depends on (the command-line flags).
struct run_options {
  std::string method = "simclr";   ///< "simclr" or "simsiam"
  std::string data;                ///< digits.csv.gz
  std::int64_t subset = 0;         ///< use the first N images; 0 = all 1797
  int epochs = 15;                 ///< training epochs (epoch 0 is the untrained encoder)
  std::int64_t batch_size = 256;   ///< images per step (an incomplete last batch is dropped)
  double lr = 1e-3;                ///< Adam learning rate
  double weight_decay = 1e-5;      ///< Adam weight decay
  double temperature = 0.2;        ///< NT-Xent temperature (SimCLR)
  std::int64_t channels = 16;      ///< channels of the encoder's first convolution
  std::int64_t embed_dim = 32;     ///< encoder output (the evaluated representation)
  std::int64_t proj_dim = 32;      ///< projection head output
  std::uint64_t seed = 0;          ///< torch::manual_seed and the report's k-means seed
  int threads = 1;                 ///< torch and report CPU threads (1: bit-identical reruns)
  std::int64_t probe_train = 1200; ///< probe trains on the first rows, tests on the rest
  int probe_steps = 300;           ///< full-batch Adam steps of the probe
  std::string device = "auto";     ///< training device: "cpu", "cuda", "cuda:N", "auto" (CUDA when torch has it)
  bool report = true;              ///< call embed_metrics::evaluate each epoch
  /// Device of the report: "train" (the training device: on CUDA the library
  /// reads the embeddings tensor in place, on torch's current stream), or
  /// "cpu", "cuda", "cuda:N", "auto".
  std::string report_device = "train";
  bool check_report = false;       ///< also evaluate on the CPU and compare (exit 1 beyond tolerance)
  std::int64_t k = 10;             ///< clusters of the report
  std::string out_dir;             ///< where to save embeddings, labels, lp_acc.txt; "" = nowhere
  std::string save_dtype = "f16";  ///< "f16" or "f32" for the saved embeddings
  /// Also save view1_NNN.npy and view2_NNN.npy: the embeddings of two
  /// augmented views of images [0, view_images) (alignment); 0 = none.
  std::int64_t view_images = 256;
  /// Also save augs_NNN.npy, group_views augmented views of each of images
  /// [0, group_images), and augs_groups.npy, the image of each row (LiDAR);
  /// 0 = none.
  std::int64_t group_images = 128;
  std::int64_t group_views = 8;  ///< augmented views per image in augs_NNN.npy
};

/// @brief Train, evaluating every epoch; prints one line per epoch to stdout.
/// @return 0, or 1 when the loss or a figure is not finite.
/// @throws std::exception on bad options, unreadable data or an unwritable output.
int run(const run_options& options);

}  // namespace ssl_trainer
