#include "domain/sms_encoding.h"

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

namespace paminna {

std::string_view to_string(SmsEncoding encoding) {
  switch (encoding) {
    case SmsEncoding::gsm7:
      return "gsm7";
    case SmsEncoding::ucs2:
      return "ucs2";
  }
  return "unknown";
}

std::string_view to_string(SmsTextError error) {
  switch (error) {
    case SmsTextError::invalid_utf8:
      return "text is not valid UTF-8";
  }
  return "invalid text";
}

namespace {

constexpr std::size_t kSingleGsm7 = 160;
constexpr std::size_t kPartGsm7 = 153;
constexpr std::size_t kSingleUcs2 = 70;
constexpr std::size_t kPartUcs2 = 67;

struct Decoded {
  char32_t code_point;
  std::size_t length;  // bytes consumed
};

unsigned byte_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]);
}

// Strict UTF-8 (RFC 3629): refuses overlong forms, surrogates and anything
// above U+10FFFF, since a gateway would reject or mangle them.
std::optional<Decoded> decode_one(std::string_view text, std::size_t i) {
  const unsigned lead = byte_at(text, i);
  if (lead < 0x80) {
    return Decoded{static_cast<char32_t>(lead), 1};
  }
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    code_point = lead & 0x1FU;
    minimum = 0x80;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    code_point = lead & 0x0FU;
    minimum = 0x800;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    code_point = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - i < length) {
    return std::nullopt;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned next = byte_at(text, i + k);
    if ((next & 0xC0U) != 0x80U) {
      return std::nullopt;
    }
    code_point = (code_point << 6U) | (next & 0x3FU);
  }
  if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return std::nullopt;
  }
  return Decoded{code_point, length};
}

void append_utf8(std::string& out, char32_t code_point) {
  const auto c = static_cast<std::uint32_t>(code_point);
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0U | (c >> 6U)));
    out.push_back(static_cast<char>(0x80U | (c & 0x3FU)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0U | (c >> 12U)));
    out.push_back(static_cast<char>(0x80U | ((c >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (c & 0x3FU)));
  } else {
    out.push_back(static_cast<char>(0xF0U | (c >> 18U)));
    out.push_back(static_cast<char>(0x80U | ((c >> 12U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | ((c >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (c & 0x3FU)));
  }
}

// The non-ASCII part of the GSM 03.38 basic table (the ASCII part is decided
// by range in gsm7_septets).
constexpr std::u32string_view kBasicNonAscii = U"£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà";

// Septets for one character in GSM-7, or 0 when it has no GSM-7 form.
std::size_t gsm7_septets(char32_t c) {
  switch (c) {
    case U'\f':
    case U'^':
    case U'{':
    case U'}':
    case U'\\':
    case U'[':
    case U'~':
    case U']':
    case U'|':
    case U'€':
      return 2;
    case U'\n':
    case U'\r':
    case U'_':
      return 1;
    default:
      break;
  }
  // Space to '@', the letters: all in the basic table except '`', which
  // GSM-7 lacks entirely ($ and # are there, at other positions than ASCII).
  if ((c >= U' ' && c <= U'@') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) {
    return 1;
  }
  return kBasicNonAscii.find(c) == std::u32string_view::npos ? 0 : 1;
}

// Greedy filling of concatenated parts: a character that does not fit whole
// in the current part opens the next one.
class PartCounter {
 public:
  explicit PartCounter(std::size_t capacity) : capacity_(capacity) {}
  void add(std::size_t cost) {
    total_ += cost;
    if (used_ + cost > capacity_) {
      ++parts_;
      used_ = cost;
    } else {
      used_ += cost;
    }
  }
  [[nodiscard]] std::size_t total() const { return total_; }
  [[nodiscard]] std::size_t parts() const { return parts_; }

 private:
  std::size_t capacity_;
  std::size_t total_ = 0;
  std::size_t used_ = 0;
  std::size_t parts_ = 1;
};

std::optional<char32_t> replacement(char32_t c) {
  switch (c) {
    case U'\u2018':  // ‘
    case U'\u2019':  // ’
    case U'\u201A':  // ‚
      return U'\'';
    case U'\u201C':  // “
    case U'\u201D':  // ”
    case U'\u201E':  // „
      return U'"';
    case U'\u2010':  // hyphen
    case U'\u2011':  // non-breaking hyphen
    case U'\u2013':  // en dash
    case U'\u2014':  // em dash
    case U'\u2212':  // minus sign
      return U'-';
    case U'\u00A0':  // no-break space
    case U'\u202F':  // narrow no-break space
      return U' ';
    default:
      return std::nullopt;
  }
}

// base letter + combining mark -> the precomposed letter, only where GSM-7 has it.
std::optional<char32_t> compose(char base, char32_t mark) {
  struct Entry {
    char base;
    char32_t mark;
    char32_t composed;
  };
  static constexpr std::array<Entry, 18> kTable = {{
      {'a', U'\u0300', U'à'},
      {'e', U'\u0300', U'è'},
      {'i', U'\u0300', U'ì'},
      {'o', U'\u0300', U'ò'},
      {'u', U'\u0300', U'ù'},
      {'e', U'\u0301', U'é'},
      {'E', U'\u0301', U'É'},
      {'n', U'\u0303', U'ñ'},
      {'N', U'\u0303', U'Ñ'},
      {'a', U'\u0308', U'ä'},
      {'o', U'\u0308', U'ö'},
      {'u', U'\u0308', U'ü'},
      {'A', U'\u0308', U'Ä'},
      {'O', U'\u0308', U'Ö'},
      {'U', U'\u0308', U'Ü'},
      {'a', U'\u030A', U'å'},
      {'A', U'\u030A', U'Å'},
      {'C', U'\u0327', U'Ç'},
  }};
  for (const auto& entry : kTable) {
    if (entry.base == base && entry.mark == mark) {
      return entry.composed;
    }
  }
  return std::nullopt;
}

}  // namespace

tl::expected<SmsLength, SmsTextError> measure_sms(std::string_view utf8) {
  bool gsm7 = true;
  PartCounter septets(kPartGsm7);
  PartCounter units(kPartUcs2);
  for (std::size_t i = 0; i < utf8.size();) {
    const auto decoded = decode_one(utf8, i);
    if (!decoded) {
      return tl::unexpected(SmsTextError::invalid_utf8);
    }
    i += decoded->length;
    // Keep counting both ways: the encoding is only known at the end.
    if (gsm7) {
      const std::size_t cost = gsm7_septets(decoded->code_point);
      if (cost == 0) {
        gsm7 = false;
      } else {
        septets.add(cost);
      }
    }
    units.add(decoded->code_point > 0xFFFF ? 2 : 1);
  }
  if (gsm7) {
    return SmsLength{SmsEncoding::gsm7, septets.total(), septets.total() <= kSingleGsm7 ? 1 : septets.parts()};
  }
  return SmsLength{SmsEncoding::ucs2, units.total(), units.total() <= kSingleUcs2 ? 1 : units.parts()};
}

std::string normalise_for_sms(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    // ASCII is never replaced and never a combining mark, and it is most of
    // a text: the lookups for every byte were 4 % of a dispatch's work.
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      out.push_back(utf8[i]);
      ++i;
      continue;
    }
    const auto decoded = decode_one(utf8, i);
    if (!decoded) {
      out.push_back(utf8[i]);
      ++i;
      continue;
    }
    const std::string_view original = utf8.substr(i, decoded->length);
    i += decoded->length;
    const char32_t c = decoded->code_point;
    if (c == U'\u2026') {
      out += "...";
    } else if (const auto plain = replacement(c)) {
      append_utf8(out, *plain);
    } else if (const auto composed = out.empty() ? std::nullopt : compose(out.back(), c)) {
      out.pop_back();
      append_utf8(out, *composed);
    } else {
      out += original;
    }
  }
  return out;
}

}  // namespace paminna
