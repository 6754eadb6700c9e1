// Unusual files and unusual text, through the library and through the tool:
// inputs that are not regular files (a FIFO with no writer, a directory,
// /dev/zero, /dev/stdin, a socket) fail at once; outputs never replace
// anything that is not a regular file, follow links to regular files, take a
// 255-byte name; text is strict (1e999, header rules, np.savetxt labels, '#'
// comments) and messages never echo raw binary bytes.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "common/test_util.hpp"
#include "embed_metrics/io.hpp"
#include "io/printable.hpp"
#include "io_test_files.hpp"

namespace em = embed_metrics;
namespace fs = std::filesystem;
using em_test::io::expect_error;
using em_test::io::npy_with_dict;
using em_test::io::read_file;
using em_test::io::write_file;

namespace {

std::string fixture(const std::string& name) { return std::string(EM_GOLDEN_DIR) + "/io/" + name; }

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// Run the tool under `timeout`, so that a regression that blocks (on a FIFO,
// a terminal) fails the test with exit code 124 instead of hanging the suite.
// @p stdin_from is a shell redirection source ("/dev/null" unless given; ""
// keeps the stdin of the command, e.g. a pipe from @p before).
em_test::tool_result run_tool_guarded(const std::string& args, const std::string& stdin_from = "/dev/null",
                                      const std::string& before = "") {
  const char* env = std::getenv("EM_TOOL_PATH");
  const std::string tool = env ? env : EM_TOOL_PATH;
  if (tool.empty()) throw std::runtime_error("the embed-metrics tool is not built");
  const auto dir = em_test::temp_dir("guarded");
  const auto out = dir / "out.txt";
  const auto err = dir / "err.txt";
  const std::string cmd = before + "timeout -k 2 20 '" + tool + "' " + args + " >" + q(out) + " 2>" +
                          q(err) + (stdin_from.empty() ? "" : " <" + stdin_from);
  const int status = std::system(cmd.c_str());
  em_test::tool_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

fs::path make_fifo(const fs::path& p) {
  if (::mkfifo(p.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed: " + p.string());
  return p;
}

// A listening Unix socket bound at @p p; the descriptor is returned (close it).
int make_socket(const fs::path& p) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string s = p.string();
  if (fd < 0 || s.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A character device to write to (/dev/null here). As root, a private node (device 1:3,
// what /dev/null is) made in @p dir, so that even a regression that renames
// over its target replaces only that node, never the system's /dev/null;
// "" when such a node cannot be made. Without root, /dev/null itself: its
// folder is not writable, so nothing can replace it.
fs::path char_device(const fs::path& dir, const char* system_path, unsigned minor) {
  if (::geteuid() != 0) return system_path;
  const auto p = dir / fs::path(system_path).filename();
  if (::mknod(p.c_str(), S_IFCHR | 0666, makedev(1, minor)) != 0) return {};
  return p;
}
fs::path null_device(const fs::path& dir) { return char_device(dir, "/dev/null", 3); }
// The same for /dev/full (1:7), where every write fails with ENOSPC.
fs::path full_device(const fs::path& dir) { return char_device(dir, "/dev/full", 7); }

mode_t kind_of(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0 ? (st.st_mode & S_IFMT) : 0;
}

// Files in @p dir whose name starts with '.': a temporary file left behind.
std::vector<std::string> hidden_files(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().front() == '.') out.push_back(e.path().filename().string());
  return out;
}

// The message of the error @p f throws ("" when none).
template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// message_of(f) for an @p f that reads @p fifo, given 10 seconds: a
// regression that blocks on the FIFO fails the test and is then released (an
// open for writing lets the blocked open return) instead of hanging the suite.
template <class F>
std::string message_within_seconds(const fs::path& fifo, F&& f) {
  auto result = std::async(std::launch::async, [&f] { return message_of(f); });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "blocked on the FIFO " << fifo << " (no writer)";
    while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      const int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (w >= 0) ::close(w);
    }
  }
  return result.get();
}

// True when @p s holds a byte that a terminal would act on or show raw
// (control bytes other than newline, and bytes >= 0x80 outside UTF-8 text).
bool has_raw_control_bytes(const std::string& s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f || c >= 0x80) return true;
  return false;
}

const std::string kCsv = "1,2\n3,4\n5,6\n7,8\n";

}  // namespace

// ------------------------------------------------------------- inputs ---

TEST(RobustIo, FifoWithNoWriterFailsAtOnceInTheLibrary) {
  const auto dir = em_test::temp_dir("robust");
  const auto fifo = make_fifo(dir / "emb.csv");
  const auto expect_refused = [&](const std::string& msg) {
    EXPECT_NE(msg.find("emb.csv: is a FIFO (named pipe), not a regular file"), std::string::npos) << msg;
  };
  expect_refused(message_within_seconds(fifo, [&] { (void)em::load_embeddings(fifo); }));
  expect_refused(message_within_seconds(fifo, [&] { (void)em::load_labels(fifo); }));
  expect_refused(message_within_seconds(fifo, [&] { (void)em::inspect_file(fifo); }));
}

TEST(RobustIo, FifoWithNoWriterFailsAtOnceInTheTool) {
  const auto dir = em_test::temp_dir("robust");
  const auto fifo = make_fifo(dir / "pipe.npy");
  const auto r = run_tool_guarded("info " + q(fifo));
  EXPECT_EQ(r.exit_code, 1) << "124 means it blocked: " << r.err;
  EXPECT_NE(r.err.find("pipe.npy: is a FIFO"), std::string::npos) << r.err;
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto s = run_tool_guarded("silhouette " + q(emb) + " " + q(fifo));  // labels from the FIFO
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_NE(s.err.find("pipe.npy: is a FIFO"), std::string::npos) << s.err;
}

TEST(RobustIo, LpAccuracyFromAFifoFailsAtOnce) {
  const auto dir = em_test::temp_dir("robust");
  const auto fifo = make_fifo(dir / "lp.txt");
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto r = run_tool_guarded("track " + q(emb) + " " + q(emb) + " --k 2 --lp-acc " + q(fifo));
  EXPECT_EQ(r.exit_code, 1) << "124 means it blocked: " << r.err;
  EXPECT_NE(r.err.find("--lp-acc"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lp.txt: is a FIFO"), std::string::npos) << r.err;
}

TEST(RobustIo, DirectoryInputIsRefused) {
  const auto dir = em_test::temp_dir("robust");
  fs::create_directory(dir / "folder.npy");
  expect_error<em::io_error>([&] { (void)em::load_embeddings((dir / "folder.npy").string()); },
                             {"folder.npy", "is a directory", "not a regular file"});
  const auto r = run_tool_guarded("info " + q(dir / "folder.npy"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("folder.npy: is a directory"), std::string::npos) << r.err;
}

TEST(RobustIo, DevZeroAndDevNullInputsAreRefused) {
  // /dev/zero would be read forever; /dev/null is an empty stream, not a file.
  expect_error<em::io_error>([] { (void)em::load_embeddings("/dev/zero"); },
                             {"/dev/zero", "character device"});
  expect_error<em::io_error>([] { (void)em::load_labels("/dev/null"); }, {"/dev/null", "character device"});
  const auto r = run_tool_guarded("info /dev/zero");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/dev/zero: is a character device"), std::string::npos) << r.err;
}

TEST(RobustIo, DevStdinIsReadOnlyWhenItIsARegularFile) {
  const auto dir = em_test::temp_dir("robust");
  const auto csv = write_file(dir / "e.csv", kCsv);
  // stdin from /dev/null (a device) and from a pipe (a FIFO): refused at once
  const auto dev = run_tool_guarded("info /dev/stdin");
  EXPECT_EQ(dev.exit_code, 1) << dev.err;
  EXPECT_NE(dev.err.find("/dev/stdin: is a character device"), std::string::npos) << dev.err;
  const auto pipe = run_tool_guarded("info /dev/stdin", "", "printf '1,2\\n' | ");
  EXPECT_EQ(pipe.exit_code, 1) << "124 means it blocked: " << pipe.err;
  EXPECT_NE(pipe.err.find("/dev/stdin: is a FIFO"), std::string::npos) << pipe.err;
  // stdin redirected from a file is that file
  const auto file = run_tool_guarded("info /dev/stdin --format json", q(csv));
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(nlohmann::json::parse(file.out)["shape"], nlohmann::json::array({4, 2}));
}

TEST(RobustIo, SocketAndBlockDeviceInputsAreRefused) {
  const auto dir = em_test::temp_dir("robust");
  const int fd = make_socket(dir / "s.sock");
  ASSERT_GE(fd, 0);
  expect_error<em::io_error>([&] { (void)em::load_embeddings((dir / "s.sock").string()); },
                             {"s.sock", "socket"});
  ::close(fd);
  // a block device node made here (device 0:0, which no driver serves), so
  // that no real disk is ever opened
  const auto blk = dir / "disk.npy";
  if (::mknod(blk.c_str(), S_IFBLK | 0600, makedev(0, 0)) != 0)
    GTEST_SKIP() << "mknod of a block device is not permitted here";
  expect_error<em::io_error>([&] { (void)em::load_embeddings(blk.string()); }, {"disk.npy", "block device"});
}

// ------------------------------------------------------------ outputs ---

TEST(RobustIo, OutputOntoAFifoIsRefusedAndTheFifoStays) {
  const auto dir = em_test::temp_dir("robust");
  const auto fifo = make_fifo(dir / "labels.npy");
  expect_error<em::io_error>([&] { em::save_npy(fifo, std::vector<std::int64_t>{1, 2}); },
                             {"labels.npy", "FIFO", "regular file"});
  EXPECT_EQ(kind_of(fifo), S_IFIFO);
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto r = run_tool_guarded("kmeans " + q(emb) + " --k 2 --out " + q(fifo));
  EXPECT_EQ(r.exit_code, 1) << "124 means it blocked: " << r.err;
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("labels.npy: is a FIFO"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << "refused before any work: " << r.out;
  EXPECT_EQ(kind_of(fifo), S_IFIFO);
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(RobustIo, OutputOntoADirectoryIsRefusedAndItsContentStays) {
  const auto dir = em_test::temp_dir("robust");
  fs::create_directory(dir / "c.npy");
  write_file(dir / "c.npy" / "keep.txt", "x");
  expect_error<em::io_error>([&] { em::save_npy((dir / "c.npy").string(), std::vector<double>{1.0}); },
                             {"c.npy", "is a directory"});
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto r = run_tool_guarded("kmeans " + q(emb) + " --k 2 --centers " + q(dir / "c.npy"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--centers"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
  EXPECT_EQ(kind_of(dir / "c.npy"), S_IFDIR);
  EXPECT_EQ(read_file(dir / "c.npy" / "keep.txt"), "x");
  // a name ending in '/' names a folder, never a file
  expect_error<em::io_error>([&] { em::save_npy((dir / "new").string() + "/", std::vector<double>{1.0}); },
                             {"new/", "folder"});
}

TEST(RobustIo, OutputOntoASocketOrABlockDeviceNodeIsRefused) {
  const auto dir = em_test::temp_dir("robust");
  const int fd = make_socket(dir / "s.npy");
  ASSERT_GE(fd, 0);
  expect_error<em::io_error>([&] { em::save_npy((dir / "s.npy").string(), std::vector<double>{1.0}); },
                             {"s.npy", "socket"});
  EXPECT_EQ(kind_of(dir / "s.npy"), S_IFSOCK);
  ::close(fd);
  // A block device node made here (device 0:0, which no driver serves), so
  // that even a regression could not write to a real disk.
  const auto blk = dir / "disk.npy";
  if (::mknod(blk.c_str(), S_IFBLK | 0600, makedev(0, 0)) != 0)
    GTEST_SKIP() << "mknod of a block device is not permitted here";
  expect_error<em::io_error>([&] { em::save_npy(blk.string(), std::vector<double>{1.0}); },
                             {"disk.npy", "block device"});
  EXPECT_EQ(kind_of(blk), S_IFBLK);
}

TEST(RobustIo, OutputToDevNullIsWrittenThroughAndStaysADevice) {
  const auto dir = em_test::temp_dir("robust");
  const fs::path null = null_device(dir);
  if (null.empty()) GTEST_SKIP() << "running as root without the right to make a device node";
  em::save_npy(null, std::vector<std::int64_t>{1, 2, 3});
  EXPECT_EQ(kind_of(null), S_IFCHR);
  EXPECT_TRUE(hidden_files(dir).empty());
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto r = run_tool_guarded("kmeans " + q(emb) + " --k 2 --out " + q(null) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["k"], 2);
  EXPECT_EQ(kind_of(null), S_IFCHR);
  EXPECT_TRUE(em::io::printable(read_file(null)).empty());  // still the null device: reads as empty
}

TEST(RobustIo, AWriteErrorOnADeviceIsReportedWithTheFile) {
  const auto dir = em_test::temp_dir("robust");
  const fs::path full = full_device(dir);
  if (full.empty()) GTEST_SKIP() << "running as root without the right to make a device node";
  expect_error<em::io_error>([&] { em::save_npy(full, std::vector<double>(1000, 1.0)); },
                             {full.string(), "write failed", "No space left on device"});
  EXPECT_EQ(kind_of(full), S_IFCHR);
}

TEST(RobustIo, OutputThroughASymlinkReplacesTheFileAndKeepsTheLink) {
  const auto dir = em_test::temp_dir("robust");
  fs::create_directory(dir / "real");
  write_file(dir / "real" / "out.npy", "old");
  fs::create_symlink(dir / "real" / "out.npy", dir / "link.npy");
  em::save_npy((dir / "link.npy").string(), std::vector<std::int64_t>{4, 5});
  EXPECT_EQ(kind_of(dir / "link.npy"), S_IFLNK);
  EXPECT_EQ(em::load_labels((dir / "real" / "out.npy").string()), (std::vector<std::int64_t>{4, 5}));
  EXPECT_TRUE(hidden_files(dir / "real").empty());
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(RobustIo, OutputThroughADanglingLinkOrALinkToAFifoIsRefused) {
  const auto dir = em_test::temp_dir("robust");
  fs::create_symlink(dir / "missing.npy", dir / "dangling.npy");
  expect_error<em::io_error>([&] { em::save_npy((dir / "dangling.npy").string(), std::vector<double>{1}); },
                             {"dangling.npy", "symbolic link to a missing file"});
  EXPECT_EQ(kind_of(dir / "dangling.npy"), S_IFLNK);
  EXPECT_FALSE(fs::exists(dir / "missing.npy"));
  make_fifo(dir / "fifo");
  fs::create_symlink(dir / "fifo", dir / "to_fifo.npy");
  expect_error<em::io_error>([&] { em::save_npy((dir / "to_fifo.npy").string(), std::vector<double>{1}); },
                             {"to_fifo.npy", "symbolic link to a FIFO"});
  EXPECT_EQ(kind_of(dir / "fifo"), S_IFIFO);
}

TEST(RobustIo, A255ByteOutputNameWorks) {
  const auto dir = em_test::temp_dir("robust");
  const std::string name = std::string(251, 'n') + ".npy";  // NAME_MAX = 255 bytes
  ASSERT_EQ(name.size(), 255u);
  em::save_npy((dir / name).string(), std::vector<std::int64_t>{7, 8, 9});
  EXPECT_EQ(em::load_labels((dir / name).string()), (std::vector<std::int64_t>{7, 8, 9}));
  // and again over the existing file, through the tool
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto r = run_tool_guarded("kmeans " + q(emb) + " --k 2 --out " + q(dir / name));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(em::load_labels((dir / name).string()).size(), 4u);
  EXPECT_TRUE(hidden_files(dir).empty());
  // one byte more is the file system's limit: a clear error naming the file
  const std::string longer = std::string(252, 'n') + ".npy";
  const std::string msg = message_of([&] { em::save_npy((dir / longer).string(), std::vector<double>{1}); });
  EXPECT_NE(msg.find(longer), std::string::npos) << msg;
  EXPECT_NE(msg.find("File name too long"), std::string::npos) << msg;
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(RobustIo, AFailedOutputLeavesNothingBehind) {
  const auto dir = em_test::temp_dir("robust");
  expect_error<em::io_error>(
      [&] { em::save_npy((dir / "no" / "such" / "x.npy").string(), std::vector<double>{1}); },
      {"x.npy", "cannot create", "does not exist"});
  EXPECT_FALSE(fs::exists(dir / "no"));
  // an existing output that is replaced keeps its permission bits
  const auto p = write_file(dir / "keep.npy", "old");
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  em::save_npy(p, std::vector<double>{2.0});
  EXPECT_EQ(fs::status(p).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  EXPECT_TRUE(hidden_files(dir).empty());
}

TEST(RobustIo, AReadOnlyOutputIsNotReplaced) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write any file; the check is for other users";
  const auto dir = em_test::temp_dir("robust");
  const auto p = write_file(dir / "ro.npy", "keep");
  fs::permissions(p, fs::perms::owner_read);
  expect_error<em::io_error>([&] { em::save_npy(p, std::vector<double>{1}); }, {"ro.npy", "read-only"});
  EXPECT_EQ(read_file(p), "keep");
}

TEST(RobustIo, OutputsNeverReplaceAnInputEvenThroughALink) {
  const auto dir = em_test::temp_dir("robust");
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto labels = write_file(dir / "l.txt", "0\n0\n1\n1\n");
  fs::create_symlink(dir / "l.txt", dir / "alias.npy");
  const auto s = run_tool_guarded("silhouette " + q(emb) + " " + q(labels) + " --samples " + q(dir / "alias.npy"));
  EXPECT_EQ(s.exit_code, 1) << s.err;
  EXPECT_NE(s.err.find("is one of the inputs"), std::string::npos) << s.err;
  EXPECT_EQ(read_file(labels), "0\n0\n1\n1\n");
  const auto t = run_tool_guarded("track " + q(emb) + " " + q(emb) + " --k 2 --plot " + q(emb));
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_NE(t.err.find("is one of the inputs"), std::string::npos) << t.err;
  EXPECT_EQ(read_file(emb), kCsv);
}

TEST(RobustIo, PlotOntoAFifoIsRefusedBeforeAnyWork) {
  const auto dir = em_test::temp_dir("robust");
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto fifo = make_fifo(dir / "plot.svg");
  const auto r = run_tool_guarded("track " + q(emb) + " " + q(emb) + " --k 2 --plot " + q(fifo));
  EXPECT_EQ(r.exit_code, 1) << "124 means it blocked: " << r.err;
  EXPECT_NE(r.err.find("--plot"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plot.svg: is a FIFO"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(kind_of(fifo), S_IFIFO);
  // a plot to a regular file is written in full
  const auto ok = run_tool_guarded("track " + q(emb) + " " + q(emb) + " --k 2 --plot " + q(dir / "p.svg"));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const std::string svg = read_file(dir / "p.svg");
  EXPECT_EQ(svg.rfind("</svg>\n"), svg.size() - 7);
}

// --------------------------------------------------------------- text ---

TEST(RobustIo, ValueBeyondDoubleRangeIsInfNotZero) {
  const auto dir = em_test::temp_dir("robust");
  const auto big = write_file(dir / "big.csv", "1,2\n3,1e999\n5,6\n");
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(big); },
                                     {"big.csv", "row 1", "column 1", "inf"});
  em::load_options drop;
  drop.drop_nonfinite = true;
  const auto kept = em::load_embeddings(big, drop);
  EXPECT_EQ(kept.dropped_rows, 1);
  EXPECT_EQ(kept.kept_rows, (std::vector<std::int64_t>{0, 2}));
  // negative, and beyond float range only: -Inf and +Inf as well
  expect_error<em::invalid_argument>(
      [&] { (void)em::load_embeddings(write_file(dir / "neg.csv", "-1e999,2\n")); }, {"neg.csv", "row 0", "-inf"});
  expect_error<em::invalid_argument>(
      [&] { (void)em::load_embeddings(write_file(dir / "f.csv", "1,1e39\n")); }, {"f.csv", "row 0", "column 1", "inf"});
  // too small is zero (with its sign), as NumPy reads it
  const auto tiny = em::load_embeddings(write_file(dir / "tiny.csv", "1e-999,-0.000001e-400\n"));
  EXPECT_EQ(tiny.matrix(0, 0), 0.0f);
  EXPECT_EQ(tiny.matrix(0, 1), 0.0f);
  EXPECT_TRUE(std::signbit(tiny.matrix(0, 1)));
  // the tool says the same
  const auto r = run_tool_guarded("kmeans " + q(big) + " --k 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("big.csv: row 1"), std::string::npos) << r.err;
}

TEST(RobustIo, FirstLineIsAHeaderOnlyWhenNoFieldIsANumber) {
  const auto dir = em_test::temp_dir("robust");
  const auto h = em::load_embeddings(write_file(dir / "h.csv", "x,y\n1,2\n3,4\n"));
  EXPECT_EQ(h.matrix.rows(), 2);
  EXPECT_EQ(h.matrix(0, 1), 2.0f);
  // an empty header field is still a header
  EXPECT_EQ(em::load_embeddings(write_file(dir / "e.csv", ",y\n1,2\n")).matrix.rows(), 1);
  // one number makes it data: the bad field is an error with line and column
  expect_error<em::format_error>([&] { (void)em::load_embeddings(write_file(dir / "m.csv", "id,7\n1,2\n")); },
                                 {"m.csv", "line 1, column 1", "'id'", "not a number"});
  expect_error<em::format_error>([&] { (void)em::load_embeddings(write_file(dir / "b.csv", "1,2x,3\n4,5,6\n")); },
                                 {"b.csv", "line 1, column 2", "'2x'"});
  // a trailing delimiter is an empty last field
  expect_error<em::format_error>([&] { (void)em::load_embeddings(write_file(dir / "t.csv", "1,2,\n")); },
                                 {"t.csv", "line 1, column 3", "''"});
  // later lines name the column too
  expect_error<em::format_error>([&] { (void)em::load_embeddings(write_file(dir / "l.tsv", "a\tb\n1\t2\n3\tq\n")); },
                                 {"l.tsv", "line 3, column 2", "'q'"});
  const auto r = run_tool_guarded("info " + q(dir / "m.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("m.csv: line 1, column 1: 'id' is not a number"), std::string::npos) << r.err;
}

TEST(RobustIo, LabelsWrittenByNpSavetxtAreRead) {
  // tests/golden/make_io.py: np.savetxt of [2., 0., 2.] with a '# ' header
  EXPECT_EQ(em::load_labels(fixture("labels_savetxt.txt")), (std::vector<std::int64_t>{2, 0, 2}));
  const auto dir = em_test::temp_dir("robust");
  const auto p = write_file(dir / "f.txt", "-1.000000000000000000e+00\n-0.0\n1e3\n9.007199254740992e15\n");
  EXPECT_EQ(em::load_labels(p), (std::vector<std::int64_t>{-1, 0, 1000, 9007199254740992}));
  // through the tool: silhouette of 4 points with those labels
  const auto emb = write_file(dir / "e.csv", kCsv);
  const auto lab = write_file(dir / "l.txt", "# labels\n0.000000000000000000e+00\n0.000000000000000000e+00\n"
                                             "1.000000000000000000e+00\n1.000000000000000000e+00\n");
  const auto r = run_tool_guarded("silhouette " + q(emb) + " " + q(lab) + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["k"], 2);
}

TEST(RobustIo, LabelFractionsAndOverflowsStayErrors) {
  const auto dir = em_test::temp_dir("robust");
  const auto labels = [](const std::string& p) { return [p] { (void)em::load_labels(p); }; };
  expect_error<em::format_error>(labels(write_file(dir / "a.txt", "1\n2.5\n")), {"a.txt", "line 2", "'2.5'", "not an integer"});
  expect_error<em::format_error>(labels(write_file(dir / "b.txt", "2.000000000000000001e+00\n3.0000001\n")),
                                 {"b.txt", "line 2", "not an integer"});
  expect_error<em::format_error>(labels(write_file(dir / "c.txt", "1\ninf\n")), {"c.txt", "line 2", "not an integer"});
  expect_error<em::format_error>(labels(write_file(dir / "d.txt", "1\nnan\n")), {"d.txt", "line 2", "not an integer"});
  expect_error<em::format_error>(labels(write_file(dir / "e.txt", "1\n1e999\n")), {"e.txt", "line 2", "64 bits"});
  expect_error<em::format_error>(labels(write_file(dir / "f.txt", "1\n1e19\n")), {"f.txt", "line 2", "64 bits"});
  expect_error<em::format_error>(labels(write_file(dir / "g.txt", "1\n1e-999\n")), {"g.txt", "line 2", "not an integer"});
}

TEST(RobustIo, HashCommentsInLabelsAreSkippedAsInTables) {
  const auto dir = em_test::temp_dir("robust");
  EXPECT_EQ(em::load_labels(write_file(dir / "c.txt", "# run 3\n1\n  # middle\n2\n#\n3\n")),
            (std::vector<std::int64_t>{1, 2, 3}));
  // a comment and then a header line
  EXPECT_EQ(em::load_labels(write_file(dir / "h.txt", "# labels of run 3\nlabel\n4\n")),
            (std::vector<std::int64_t>{4}));
  // a comment line between labels is not a gap
  EXPECT_EQ(em::load_labels(write_file(dir / "m.txt", "1\n# x\n2\n")), (std::vector<std::int64_t>{1, 2}));
  expect_error<em::format_error>([&] { (void)em::load_labels(write_file(dir / "o.txt", "# only\n")); },
                                 {"o.txt", "no labels"});
}

TEST(RobustIo, BinaryBytesInAMessageAreEscaped) {
  const auto dir = em_test::temp_dir("robust");
  static const char kGarbage[] = "1,2\n3,\x00\x1b[2J\xff\x07\n";
  const std::string garbage(kGarbage, sizeof kGarbage - 1);
  const auto p = write_file(dir / "g.csv", garbage);
  const std::string msg = message_of([&] { (void)em::load_embeddings(p); });
  EXPECT_NE(msg.find("line 2, column 2: '\\x00\\x1b[2J\\xff\\x07'"), std::string::npos) << msg;
  EXPECT_FALSE(has_raw_control_bytes(msg)) << em::io::printable(msg, 400);
  const std::string lmsg = message_of([&] { (void)em::load_labels(write_file(dir / "gl.csv", std::string("1\n\x01\x02\x03\n", 6))); });
  EXPECT_NE(lmsg.find("'\\x01\\x02\\x03'"), std::string::npos) << lmsg;
  EXPECT_FALSE(has_raw_control_bytes(lmsg)) << em::io::printable(lmsg, 400);
  // through the tool: stderr holds no raw control bytes either
  const auto r = run_tool_guarded("info " + q(p));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(has_raw_control_bytes(r.err)) << em::io::printable(r.err, 400);
  EXPECT_NE(r.err.find("\\x1b"), std::string::npos) << r.err;
}

TEST(RobustIo, LongExcerptsAreCut) {
  const auto dir = em_test::temp_dir("robust");
  const std::string field(5000, 'z');
  const std::string msg = message_of([&] { (void)em::load_embeddings(write_file(dir / "long.csv", "1,2\n3," + field + "\n")); });
  EXPECT_NE(msg.find("long.csv: line 2, column 2: '" + std::string(40, 'z') + "...'"), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 200u);
}

TEST(RobustIo, BinaryNpyHeaderAndArchiveNamesAreEscaped) {
  const auto dir = em_test::temp_dir("robust");
  // a garbled .npy header holding control bytes
  const auto npy = write_file(dir / "h.npy", npy_with_dict("{'descr': '<f4'\x01\x1b\x7f, }"));
  const std::string m1 = message_of([&] { (void)em::load_embeddings(npy); });
  EXPECT_NE(m1.find("h.npy: garbled .npy header"), std::string::npos) << m1;
  EXPECT_NE(m1.find("\\x01\\x1b\\x7f"), std::string::npos) << m1;
  EXPECT_FALSE(has_raw_control_bytes(m1)) << em::io::printable(m1, 400);
  // a .npz entry whose name holds an escape byte (same length as "x.npy")
  std::string zip = read_file(fixture("stored.npz"));
  for (auto at = zip.find("x.npy"); at != std::string::npos; at = zip.find("x.npy", at)) zip[at] = '\x1b';
  const auto npz = write_file(dir / "n.npz", zip);
  em::load_options o;
  o.array = "missing";
  const std::string m2 = message_of([&] { (void)em::load_embeddings(npz, o); });
  EXPECT_NE(m2.find("n.npz: has no array 'missing'; it holds \\x1b"), std::string::npos) << m2;
  EXPECT_FALSE(has_raw_control_bytes(m2)) << em::io::printable(m2, 400);
  // a .safetensors tensor whose name holds a NUL and a bell (JSON escapes)
  const std::string json = R"({"a\u0000\u0007":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  std::string st(8, '\0');
  st[0] = static_cast<char>(json.size());
  const auto sf = write_file(dir / "t.safetensors", st + json + std::string(4, '\0'));
  const std::string m3 = message_of([&] { (void)em::load_embeddings(sf, o); });
  EXPECT_NE(m3.find("t.safetensors: has no tensor 'missing'; it holds a\\x00\\x07"), std::string::npos) << m3;
  EXPECT_FALSE(has_raw_control_bytes(m3)) << em::io::printable(m3, 400);
}

TEST(RobustIo, PrintableKeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(em::io::printable("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");  // é, €
  EXPECT_EQ(em::io::printable("\xC3(\xC0\xAF\xED\xA0\x80"), "\\xc3(\\xc0\\xaf\\xed\\xa0\\x80");  // bad, overlong, surrogate
  EXPECT_EQ(em::io::printable("a\\b\tc\n"), "a\\\\b\\tc\\n");
  EXPECT_EQ(em::io::printable("abcdef", 3), "abc...");
}

TEST(RobustIo, RawLoaderMessagesNameTheFile) {
  const auto dir = em_test::temp_dir("robust");
  const auto p = write_file(dir / "x.bin", std::string(48, '\0'));
  em::load_options o;
  o.raw_rows = 3;
  o.raw_cols = 4;
  o.raw_dtype = "c8";
  expect_error<em::invalid_argument>([&] { (void)em::load_embeddings(p, o); }, {"x.bin", "raw dtype 'c8'", "not supported"});
  o.raw_dtype = "f4";
  EXPECT_EQ(em::load_embeddings(p, o).matrix.rows(), 3);
}
