// The texts the daemon sends: one template per language (R11) and purpose.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "domain/language.h"
#include "domain/message_template.h"

namespace paminna {

enum class TextKind { reminder, moved, cancelled };

std::string_view to_string(TextKind kind);

class TemplateSet {
 public:
  // Parses every text; the error names the language, the kind and what is wrong.
  // `text_of(language, kind)` returns the raw template text.
  template <typename TextOf>
  static tl::expected<TemplateSet, std::string> parse(TextOf&& text_of);

  [[nodiscard]] const Template& get(Language language, TextKind kind) const {
    return templates_[index(language)][static_cast<std::size_t>(kind)];
  }

  static constexpr std::array kLanguages{Language::sv, Language::en, Language::ar};
  static constexpr std::array kKinds{TextKind::reminder, TextKind::moved, TextKind::cancelled};

 private:
  static std::size_t index(Language language) { return static_cast<std::size_t>(language); }
  std::array<std::array<Template, 3>, 3> templates_{};
};

template <typename TextOf>
tl::expected<TemplateSet, std::string> TemplateSet::parse(TextOf&& text_of) {
  TemplateSet set;
  for (const auto language : kLanguages) {
    for (const auto kind : kKinds) {
      auto text = text_of(language, kind);
      if (!text) {
        return tl::unexpected(text.error());
      }
      auto parsed = parse_template(*text);
      if (!parsed) {
        return tl::unexpected(std::string(to_string(language)) + "/" + std::string(to_string(kind)) +
                              ".txt: " + to_string(parsed.error()));
      }
      set.templates_[index(language)][static_cast<std::size_t>(kind)] = std::move(*parsed);
    }
  }
  return set;
}

// The texts compiled into the binary from config/templates/ (generated at build time).
std::string_view builtin_template_text(Language language, TextKind kind);

}  // namespace paminna
