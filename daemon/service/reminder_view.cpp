#include "service/reminder_view.h"

namespace paminna {

nlohmann::json reminder_view(const Zone& zone, const store::ReminderRecord& r) {
  using nlohmann::json;
  const bool waiting = r.state == ReminderState::scheduled || r.state == ReminderState::retry;
  return json{{"id", r.id},
              {"booking", r.booking_id},
              {"recipient", r.recipient},
              {"kind", to_string(r.kind)},
              {"state", to_string(r.state)},
              {"due_utc", waiting ? json(format_utc(r.due)) : json(nullptr)},
              {"due_local", waiting ? json(format_local_minutes(zone.to_local(r.due))) : json(nullptr)},
              {"visit_start_local", format_local_minutes(zone.to_local(r.visit_start))},
              {"attempts", r.attempts},
              {"reference", r.reference},
              {"provider_id", r.provider_id ? json(*r.provider_id) : json(nullptr)},
              {"reason", r.reason ? json(*r.reason) : json(nullptr)},
              {"possible_duplicate", r.possible_duplicate},
              {"sent_utc", r.sent_at ? json(format_utc(*r.sent_at)) : json(nullptr)}};
}

}  // namespace paminna
