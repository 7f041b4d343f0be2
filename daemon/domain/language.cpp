#include "domain/language.h"

#include <fmt/format.h>

namespace paminna {

std::string_view to_string(Language language) {
  switch (language) {
    case Language::sv:
      return "sv";
    case Language::en:
      return "en";
    case Language::ar:
      return "ar";
  }
  return "sv";
}

tl::expected<Language, std::string> parse_language(std::string_view code) {
  for (const Language language : {Language::sv, Language::en, Language::ar}) {
    if (code == to_string(language)) {
      return language;
    }
  }
  return tl::unexpected(fmt::format("unknown language '{}' (expected sv, en or ar)", code));
}

}  // namespace paminna
