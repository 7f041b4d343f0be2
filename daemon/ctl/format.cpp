#include "ctl/format.h"

namespace paminna::ctl {

std::string text(const nlohmann::json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.is_null() ? "-" : value.dump();
}

std::string local(const nlohmann::json& value) {
  auto s = text(value);
  if (s.size() == 16 && s[10] == 'T') {
    s[10] = ' ';
  }
  return s;
}

}  // namespace paminna::ctl
