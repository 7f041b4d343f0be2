// The Prometheus text exposition format (version 0.0.4), as pure functions.
//
// A module describes what it knows as metric families; render() turns them
// into the text that `paminnactl metrics` prints and the node exporter's
// textfile collector reads. Nothing here reads a clock or the store.
//
// Privacy: label values come only from closed sets the code names (a state,
// an outcome, a method that is registered), never from client data, so no
// phone number or name can reach a metric. Escaping is still applied, as the
// format requires (backslash, double quote, line feed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paminna::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  double value = 0;
  std::string suffix;  // "_bucket", "_sum", "_count" for a histogram's series; "" otherwise
};

struct Family {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*, with the paminna_ prefix
  std::string help;
  std::string type;  // "gauge", "counter" or "histogram"
  std::vector<Sample> samples;
};

// A cumulative histogram with fixed upper bounds (seconds for latency).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  [[nodiscard]] Family family(std::string name, std::string help) const;
  [[nodiscard]] std::uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;         // ascending; +Inf is implied
  std::vector<std::uint64_t> counts_;  // per bound, not cumulative; the last is +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Backslash, double quote and line feed escaped as the format says.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
// Integers without a fraction, +Inf/-Inf/NaN spelled as the format says.
std::string format_value(double value);
// One HELP and TYPE line per family, then its samples; families with no sample are left out.
std::string render(const std::vector<Family>& families);

}  // namespace paminna::metrics
