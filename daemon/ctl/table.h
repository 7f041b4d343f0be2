// Plain-text tables for people: aligned columns, UTF-8 aware widths.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace paminna::ctl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const;
  [[nodiscard]] bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text, counting each code point as one column.
std::size_t display_width(const std::string& text);

}  // namespace paminna::ctl
