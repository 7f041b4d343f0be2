// How a reminder reads in responses: ids and states, no number, no text.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/local_time.h"
#include "store/reminder_store.h"

namespace paminna {

nlohmann::json reminder_view(const Zone& zone, const store::ReminderRecord& r);

}  // namespace paminna
