// How long an SMS is: which encoding a text needs and how many segments
// (billed parts) it is sent as.
//
// GSM 03.38 (3GPP TS 23.038) 7-bit default alphabet, with its extension
// table reached by an escape: each of € [ ] { } ^ ~ \ | and form feed costs
// 2 septets. Swedish å ä ö Å Ä Ö, é É, ü Ü, ñ Ñ … are in the basic table and
// cost 1. One character outside both tables and the whole text goes as UCS-2,
// counted here in UTF-16 code units, so a character outside the BMP (an
// emoji) costs 2.
//
// Segments: GSM-7 fits one SMS up to 160 septets, UCS-2 up to 70 units;
// longer texts are concatenated with a 6-byte header per part, leaving 153
// septets or 67 units each. An escape and its character, or a surrogate pair,
// are never split across parts, so a part may carry one fewer than that.
//
// Pure functions, no state: safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace paminna {

enum class SmsEncoding { gsm7, ucs2 };

std::string_view to_string(SmsEncoding encoding);

struct SmsLength {
  SmsEncoding encoding = SmsEncoding::gsm7;
  std::size_t units = 0;     // septets for gsm7, UTF-16 code units for ucs2
  std::size_t segments = 0;  // parts sent; an empty text still counts as one
};

enum class SmsTextError {
  invalid_utf8,  // malformed, overlong, surrogate or beyond U+10FFFF
};

std::string_view to_string(SmsTextError error);

// Measures a UTF-8 text exactly as it would be sent (no normalisation).
tl::expected<SmsLength, SmsTextError> measure_sms(std::string_view utf8);

// Replaces typographic characters that word processors insert with their
// GSM-7 look-alikes, so one stray curly quote does not push a Swedish text
// into UCS-2 (less than half the room per part):
//   ‘ ’ ‚ -> '     “ ” „ -> "     ‐ ‑ – — − -> -     … -> ...
//   no-break space U+00A0, narrow no-break space U+202F -> space
// and composes a letter followed by a combining accent (as typed on some
// systems: "a" + U+030A) into the precomposed letter when GSM-7 has it (å).
// Everything else, including malformed UTF-8, is copied unchanged.
std::string normalise_for_sms(std::string_view utf8);

}  // namespace paminna
