// What is logged while it lives, instead of the default logger's output; for
// tests that check a log line is written (or is not). Header-only: it needs
// spdlog, which only the modules that log link.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

namespace paminna::test {

class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    // _mt: a daemon under test may log from its worker threads too.
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  // How many times `text` occurs in what was logged.
  [[nodiscard]] std::size_t count(std::string_view text) const {
    const auto all = out_.str();
    std::size_t n = 0;
    for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + text.size())) {
      ++n;
    }
    return n;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace paminna::test
