// Typed readers for TOML values that throw ConfigValueError with a message a
// person understands ("must be an integer between 1 and 10000").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace paminna::config {

std::string as_string(const toml::node& node, std::size_t max_length = 4096);
std::int64_t as_integer(const toml::node& node, std::int64_t min, std::int64_t max);
bool as_boolean(const toml::node& node);
std::chrono::seconds as_seconds(const toml::node& node, std::int64_t min, std::int64_t max);

}  // namespace paminna::config
