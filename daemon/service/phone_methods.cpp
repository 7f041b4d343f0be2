// The phone's control methods (issue 6). Times in requests are local
// ("YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM", or "HH:MM" for today); responses
// carry UTC and local.
#include <fmt/format.h>

#include "config/phone_config.h"
#include "control/params.h"
#include "phone/phone_sink.h"
#include "service/phone_service.h"

namespace paminna {

using control::CallContext;
using control::Params;
using control::RpcError;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kMaxReason = 200;
constexpr auto kMaxAhead = std::chrono::days{92};

json time_pair(const Zone& zone, const std::string& prefix, std::optional<Instant> at) {
  if (!at) {
    return json{{prefix + "_utc", nullptr}, {prefix + "_local", nullptr}};
  }
  return json{{prefix + "_utc", format_utc(*at)}, {prefix + "_local", format_local_minutes(zone.to_local(*at))}};
}

// A future local time: "HH:MM" today, or a date and time.
Instant parse_until(const PhoneService& phone, const std::string& field, const std::string& text) {
  const auto& zone = phone.zone();
  const auto now = phone.now();
  LocalMinutes local{};
  if (text.size() == 5) {
    const auto time = parse_time_of_day(text);
    if (!time || *time >= 24h) {
      throw RpcError::invalid_params(field, "must be HH:MM (today) or YYYY-MM-DD HH:MM");
    }
    local = LocalMinutes{zone.local_day(now)} + *time;
  } else {
    const auto parsed = parse_local_minutes(text);
    if (!parsed) {
      throw RpcError::invalid_params(field, "must be HH:MM (today) or YYYY-MM-DD HH:MM");
    }
    local = *parsed;
  }
  const auto utc = zone.to_utc(local);
  if (!utc) {
    throw RpcError::invalid_params(
        field, fmt::format("{} is {} in {} (a DST change)", text, to_string(utc.error()), zone.name()));
  }
  if (*utc <= now) {
    throw RpcError::invalid_params(
        field, fmt::format("{} has already passed (now {})", text, format_local_minutes(zone.to_local(now))));
  }
  if (*utc > now + kMaxAhead) {
    throw RpcError::invalid_params(field, "must be within 92 days");
  }
  return *utc;
}

std::string required_reason(Params& p) {
  auto reason = p.required_string("reason", kMaxReason);
  if (reason.find_first_not_of(" \t") == std::string::npos) {
    throw RpcError::invalid_params("reason", "must not be empty: say why (\"APT-möte\")");
  }
  return reason;
}

std::string roster_member(PhoneService& phone, Params& p) {
  auto staff = p.required_string("staff", 16);
  const auto& roster = phone.phone_config().roster;
  if (roster.empty()) {
    throw RpcError::conflict("no phone roster is configured (phone.roster); presence is not tracked");
  }
  if (std::find(roster.begin(), roster.end(), staff) == roster.end()) {
    throw RpcError::invalid_params("staff",
                                   fmt::format("'{}' is not on the phone roster ({})", staff, fmt::join(roster, ", ")));
  }
  return staff;
}

json transition_view(const Zone& zone, const PhoneTransition& t) {
  json view = time_pair(zone, "at", t.at);
  view["status"] = to_string(t.status);
  view["reason"] = to_string(t.reason);
  view["note"] = t.note.empty() ? json(nullptr) : json(t.note);
  return view;
}

json status_view(PhoneService& phone, int days) {
  const auto now = phone.now();
  const auto& zone = phone.zone();
  const auto& config = phone.phone_config();
  json view = phone::phone_document(phone.state(), zone, "", now);
  view.erase("office");
  view.erase("updated_utc");
  view.update(time_pair(zone, "now", now));
  const auto overrides = phone.overrides(now);
  const auto presence = phone.presence(now);
  json changes = json::array();
  for (const auto& t :
       phone_transitions(config.schedule, zone, overrides, presence, now + 1s, now + std::chrono::days{days})) {
    changes.push_back(transition_view(zone, t));
  }
  view["changes"] = changes;
  json active = json::array();
  for (const auto& record : phone.active_overrides()) {
    json o{{"id", record.id},
           {"status", to_string(record.value.status)},
           {"note", record.value.note},
           {"actor", record.set_by.actor ? json(*record.set_by.actor) : json(nullptr)}};
    o.update(time_pair(zone, "set_at", record.value.set_at));
    o.update(time_pair(zone, "until", record.value.until));
    active.push_back(o);
  }
  view["overrides"] = active;
  view["roster"] = config.roster;
  return view;
}

// The coming days as periods of one state each, from local midnight to midnight.
json week_view(PhoneService& phone, LocalDays first, int days) {
  const auto now = phone.now();
  const auto& zone = phone.zone();
  const auto& schedule = phone.phone_config().schedule;
  const auto overrides = phone.overrides(now);
  const auto presence = phone.presence(now);
  json out = json::array();
  for (int i = 0; i < days; ++i) {
    const auto day = first + std::chrono::days{i};
    const auto start = zone.start_of_day(day);
    const auto end = zone.start_of_day(day + std::chrono::days{1});
    const auto at_start = compute_phone_state(schedule, zone, overrides, presence, start);
    std::vector<PhoneTransition> points{{start, at_start.status, at_start.reason, at_start.note}};
    for (auto& t : phone_transitions(schedule, zone, overrides, presence, start + 1s, end)) {
      points.push_back(std::move(t));
    }
    json periods = json::array();
    for (std::size_t k = 0; k < points.size(); ++k) {
      const auto until = k + 1 < points.size() ? points[k + 1].at : end;
      periods.push_back(
          {{"from", format_local_minutes(zone.to_local(points[k].at)).substr(11)},
           {"to", until == end ? std::string("24:00") : format_local_minutes(zone.to_local(until)).substr(11)},
           {"status", to_string(points[k].status)},
           {"reason", to_string(points[k].reason)},
           {"note", points[k].note.empty() ? json(nullptr) : json(points[k].note)}});
    }
    const std::chrono::year_month_day date{day};
    out.push_back({{"date", format_local_minutes(std::chrono::local_seconds{day}).substr(0, 10)},
                   {"weekday", to_string(std::chrono::weekday{day})},
                   {"holiday", at_start.holiday ? json(*at_start.holiday) : json(nullptr)},
                   {"periods", periods}});
  }
  return json{{"timezone", zone.name()}, {"days", out}};
}

json staff_view(PhoneService& phone) {
  const auto now = phone.now();
  const auto& zone = phone.zone();
  const auto absences = phone.active_absences();
  const auto& available = phone.state().available_staff;
  json staff = json::array();
  for (const auto& id : phone.phone_config().roster) {
    json entry{{"staff", id},
               {"available", std::find(available.begin(), available.end(), id) != available.end()},
               {"absence", nullptr}};
    for (const auto& record : absences) {
      if (record.value.staff == id) {
        json absence{{"note", record.value.note}, {"current", !record.value.from || *record.value.from <= now}};
        absence.update(time_pair(zone, "from", record.value.from));
        absence.update(time_pair(zone, "until", record.value.until));
        entry["absence"] = absence;
      }
    }
    staff.push_back(entry);
  }
  return json{{"staff", staff}, {"tracked", !phone.phone_config().roster.empty()}};
}

}  // namespace

void register_phone_methods(control::MethodTable& methods, const std::shared_ptr<PhoneService>& phone) {
  methods.add("phone.status", {"The office phone's state now and its changes in the coming days (default 7).", false},
              [phone](const CallContext&, const json& params) {
                Params p(params);
                const auto days = p.optional_int("days", 1, 31).value_or(7);
                p.finish();
                return status_view(*phone, static_cast<int>(days));
              });

  methods.add("phone.week", {"Phone hours per day, from a date (default today) for some days (default 7).", false},
              [phone](const CallContext&, const json& params) {
                Params p(params);
                const auto from = p.optional_string("from", 10);
                const auto days = p.optional_int("days", 1, 31).value_or(7);
                p.finish();
                auto first = phone->zone().local_day(phone->now());
                if (from) {
                  const auto parsed = parse_local_minutes(*from + " 00:00");
                  if (!parsed) {
                    throw RpcError::invalid_params("from", "must be a date YYYY-MM-DD");
                  }
                  first = std::chrono::floor<std::chrono::days>(*parsed);
                }
                return week_view(*phone, first, static_cast<int>(days));
              });

  methods.add(
      "phone.set", {"Switch the phone open or closed by hand until a time (default: the next scheduled change).", true},
      [phone](const CallContext& context, const json& params) {
        Params p(params);
        const auto status = p.required_enum("status", {"open", "closed"});
        const auto until_text = p.optional_string("until", 20);
        auto reason = required_reason(p);
        p.finish();
        Instant until{};
        if (until_text) {
          until = parse_until(*phone, "until", *until_text);
        } else {
          const auto now = phone->now();
          const auto next = resolve_override_until_next_change(phone->phone_config().schedule, phone->zone(),
                                                               phone->presence(now), now);
          if (!next) {
            throw RpcError::invalid_params("until", "the schedule does not change in the next 14 days: give a time");
          }
          until = *next;
        }
        phone->set_override(context, *parse_phone_status(status), until, std::move(reason));
        return status_view(*phone, 7);
      });

  methods.add("phone.clear", {"End the manual override: the schedule decides again.", true},
              [phone](const CallContext& context, const json& params) {
                Params(params).finish();
                const bool cleared = phone->clear_override(context);
                auto view = status_view(*phone, 7);
                view["cleared"] = cleared;
                return view;
              });

  methods.add("staff.absent",
              {"Mark a staff member on the phone roster absent (until a time, or until present).", true},
              [phone](const CallContext& context, const json& params) {
                Params p(params);
                Absence absence;
                absence.staff = roster_member(*phone, p);
                if (const auto from = p.optional_string("from", 20)) {
                  absence.from = parse_until(*phone, "from", *from);
                }
                if (const auto until = p.optional_string("until", 20)) {
                  absence.until = parse_until(*phone, "until", *until);
                }
                absence.note = p.optional_string("reason", kMaxReason).value_or("");
                p.finish();
                if (absence.from && absence.until && *absence.until <= *absence.from) {
                  throw RpcError::invalid_params("until", "must be after from");
                }
                phone->set_absent(context, std::move(absence));
                return staff_view(*phone);
              });

  methods.add("staff.present", {"A staff member is back: end their absence.", true},
              [phone](const CallContext& context, const json& params) {
                Params p(params);
                const auto staff = roster_member(*phone, p);
                p.finish();
                const bool ended = phone->set_present(context, staff);
                auto view = staff_view(*phone);
                view["ended"] = ended;
                return view;
              });

  methods.add("staff.list", {"The phone roster and who is absent.", false},
              [phone](const CallContext&, const json& params) {
                Params(params).finish();
                return staff_view(*phone);
              });
}

}  // namespace paminna
