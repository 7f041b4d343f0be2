// A pure, incremental line framer: feed bytes, take complete lines out.
// It answers complete / need more / invalid (line too long) and never buffers
// more than the limit, so a 10 MiB line costs at most max_line bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace paminna::control {

class LineFramer {
 public:
  enum class Status { line, need_more, too_long };

  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  // Appends bytes; call next() until it answers need_more.
  void feed(std::string_view bytes) { buffer_.append(bytes); }

  struct Result {
    Status status;
    std::string line;  // without the LF (and without a CR before it)
  };
  Result next();
  [[nodiscard]] std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::size_t max_line_;
  std::string buffer_;
  std::size_t consumed_ = 0;
};

}  // namespace paminna::control
