#include "sms/sms_gateway.h"

#include <array>
#include <type_traits>

namespace paminna::sms {

std::string_view outcome_name(const SendOutcome& outcome) {
  static constexpr std::array<std::string_view, 5> names = {"accepted", "retry_later", "outcome_unknown",
                                                            "rejected_permanently", "gateway_unavailable"};
  return names.at(outcome.index());
}

std::string_view outcome_reason(const SendOutcome& outcome) {
  return std::visit(
      [](const auto& o) -> std::string_view {
        if constexpr (std::is_same_v<std::decay_t<decltype(o)>, Accepted>) {
          return {};
        } else {
          return o.reason;
        }
      },
      outcome);
}

}  // namespace paminna::sms
