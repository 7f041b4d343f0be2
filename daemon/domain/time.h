// Time vocabulary shared by every rule.
//
// Instants are UTC seconds (std::chrono::sys_seconds). Rules take `now` as a
// parameter; only the service edge reads a clock (service/clock.h).
#pragma once

#include <chrono>

namespace paminna {

using Instant = std::chrono::sys_seconds;
using Duration = std::chrono::seconds;

}  // namespace paminna
