// The languages the office writes to clients in (R11): Swedish, Arabic, English.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace paminna {

enum class Language { sv, en, ar };

constexpr Language kDefaultLanguage = Language::sv;

// "sv", "en", "ar"
std::string_view to_string(Language language);
// Accepts exactly the codes to_string produces; the error names the code and the accepted ones.
tl::expected<Language, std::string> parse_language(std::string_view code);

}  // namespace paminna
