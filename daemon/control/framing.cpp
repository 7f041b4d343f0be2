#include "control/framing.h"

namespace paminna::control {

LineFramer::Result LineFramer::next() {
  const auto newline = buffer_.find('\n', consumed_);
  if (newline == std::string::npos) {
    if (buffered() > max_line_) {
      return {Status::too_long, {}};
    }
    // Compact so a slow trickle of bytes cannot grow the buffer past the limit.
    buffer_.erase(0, consumed_);
    consumed_ = 0;
    return {Status::need_more, {}};
  }
  const std::size_t length = newline - consumed_;
  if (length > max_line_) {
    return {Status::too_long, {}};
  }
  std::string line = buffer_.substr(consumed_, length);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  consumed_ = newline + 1;
  return {Status::line, std::move(line)};
}

}  // namespace paminna::control
