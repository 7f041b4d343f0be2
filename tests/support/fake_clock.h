// A clock that moves only when a test says so.
#pragma once

#include "service/clock.h"

namespace paminna::test {

using FakeClock = ManualClock;

}  // namespace paminna::test
