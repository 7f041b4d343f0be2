#include "ctl/table.h"

#include <algorithm>

namespace paminna::ctl {

std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  };
  measure(headers_);
  for (const auto& row : rows_) {
    measure(row);
  }
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      out << row[i];
      if (i + 1 < row.size()) {
        out << std::string(widths[i] - display_width(row[i]) + 2, ' ');
      }
    }
    out << '\n';
  };
  line(headers_);
  for (const auto& row : rows_) {
    line(row);
  }
}

}  // namespace paminna::ctl
