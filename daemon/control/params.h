// Reading a method's params with validation that names the field.
//
//   Params p(params);
//   auto client = p.required_string("client", 64);
//   auto note = p.optional_string("note", 500);
//   p.finish();   // an unexpected field is an error, not ignored
//
// Strings are checked for valid UTF-8, length and control characters.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/rpc_error.h"

namespace paminna::control {

class Params {
 public:
  explicit Params(const nlohmann::json& params);

  std::string required_string(const std::string& name, std::size_t max_length);
  std::optional<std::string> optional_string(const std::string& name, std::size_t max_length);
  std::int64_t required_int(const std::string& name, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_int(const std::string& name, std::int64_t min, std::int64_t max);
  bool optional_bool(const std::string& name, bool fallback);
  // One of a fixed set of words.
  std::string required_enum(const std::string& name, const std::vector<std::string>& allowed);
  std::optional<std::string> optional_enum(const std::string& name, const std::vector<std::string>& allowed);
  // Throws on any field that was not read.
  void finish() const;

 private:
  const nlohmann::json* find(const std::string& name);

  const nlohmann::json& params_;
  std::set<std::string> read_;
};

// Validates free text from a person: UTF-8, no control characters (tab
// allowed only where multiline is true), at most max_length bytes.
void check_text(const std::string& field, const std::string& value, std::size_t max_length, bool multiline = false);

}  // namespace paminna::control
