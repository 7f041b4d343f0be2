// Running the real binaries from tests: spawn, wait, capture output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paminna::test {

struct RunResult {
  int exit_code = -1;  // 128+signal when killed
  std::string out;
  std::string err;
};

// Runs a program to completion with extra environment variables; output captured.
RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A child process running in the background, its stdout+stderr going to a file;
// in `cwd` if given, so that what it writes to relative paths stays there.
class Child {
 public:
  Child(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& output,
        const std::map<std::string, std::string>& env = {}, const std::filesystem::path& cwd = {});
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Waits for exit; nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  [[nodiscard]] bool running();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

std::string read_file(const std::filesystem::path& path);

}  // namespace paminna::test
