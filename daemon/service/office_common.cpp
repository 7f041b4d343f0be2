#include "service/office_common.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "service/reminder_view.h"
#include "store/reminder_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "domain/phone_number.h"

namespace paminna::office {

using control::Params;
using control::RpcError;
using nlohmann::json;

std::string required_ref(Params& p, const std::string& field) {
  auto ref = p.required_string(field, kMaxRef);
  if (!std::all_of(ref.begin(), ref.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '/' || c == '.';
      })) {
    throw RpcError::invalid_params(field, "must be a case reference such as K-2026-0042 (letters, digits, - / .)");
  }
  return ref;
}

std::optional<Language> optional_language(Params& p, const std::string& field) {
  const auto text = p.optional_enum(field, {"sv", "en", "ar"});
  if (!text) {
    return std::nullopt;
  }
  auto language = parse_language(*text);
  return language ? std::optional<Language>(*language) : std::nullopt;
}

std::string mobile_or_throw(const std::string& field, const std::string& text, const std::string& region) {
  auto number = normalise_mobile(text, region);
  if (number) {
    return *number;
  }
  // The number itself is not repeated: the caller typed it, and error texts may end up in logs.
  if (number.error() == PhoneNumberError::not_mobile) {
    throw RpcError::invalid_params(field, "is not a mobile number: a fixed-line or service number cannot receive SMS");
  }
  throw RpcError::invalid_params(field, "is not a valid phone number");
}

std::optional<Date> optional_date(Params& p, const std::string& field) {
  const auto text = p.optional_string(field, 10);
  if (!text) {
    return std::nullopt;
  }
  auto date = parse_date(*text);
  if (!date) {
    throw RpcError::invalid_params(field, date.error());
  }
  return *date;
}

store::ClientRecord require_client(store::ClientStore& clients, const std::string& ref) {
  auto client = clients.find_by_ref(ref);
  if (!client) {
    throw RpcError::not_found("client " + ref);
  }
  return *client;
}

store::BookingRecord require_booking(store::BookingStore& bookings, std::int64_t id) {
  auto booking = bookings.find(id);
  if (!booking) {
    throw RpcError::not_found(fmt::format("booking {}", id));
  }
  return *booking;
}

Date local_date(const Zone& zone, Instant at) {
  return Date{zone.local_day(at)};
}

ConsentCompleteness sms_consent(store::ClientStore& clients, store::ConsentStore& consents,
                                const store::ClientRecord& client, Date on) {
  const bool minor = is_minor_under_15(client.born, client.minor_flag, on);
  std::vector<GuardianConsent> guardians;
  for (const auto& g : clients.guardians(client.id)) {
    guardians.push_back({g.id, consents.state(client.id, g.id, "sms")});
  }
  return consent_completeness(minor, consents.state(client.id, std::nullopt, "sms"), guardians);
}

std::string subject(const store::ClientRecord& client) {
  return "client:" + client.ref;
}
std::string subject(const store::BookingRecord& booking) {
  return fmt::format("booking:{}", booking.id);
}

bool may_reveal(const control::CallContext& who, const std::string& socket_group) {
  if (!who.peer_uid) {
    return false;
  }
  if (*who.peer_uid == 0) {
    return true;
  }
  gid_t wanted = getegid();
  if (!socket_group.empty()) {
    const group* g = getgrnam(socket_group.c_str());  // NOLINT(concurrency-mt-unsafe): only the loop looks up users
    if (g == nullptr) {
      return false;
    }
    wanted = g->gr_gid;
  }
  const passwd* pw = getpwuid(*who.peer_uid);  // NOLINT(concurrency-mt-unsafe): only the loop looks up users
  if (pw == nullptr) {
    return false;
  }
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) {
      return false;
    }
  }
  groups.resize(static_cast<std::size_t>(count));
  return std::find(groups.begin(), groups.end(), wanted) != groups.end();
}

bool reveal_or_throw(control::Params& p, const control::CallContext& who, const std::string& socket_group) {
  const bool reveal = p.optional_bool("reveal", false);
  if (reveal && !may_reveal(who, socket_group)) {
    throw control::RpcError(control::error_code::permission_denied,
                            "reveal: full numbers and names are shown only to the staff group");
  }
  return reveal;
}

json phone_view(const std::optional<std::string>& e164, bool reveal) {
  if (!e164) {
    return nullptr;
  }
  return reveal ? *e164 : mask_phone(*e164);
}

json time_pair(const Zone& zone, const std::string& prefix, Instant at) {
  return json{{prefix + "_utc", format_utc(at)}, {prefix + "_local", format_local_minutes(zone.to_local(at))}};
}

json client_view(const OfficeContext& office, const store::ClientRecord& c, bool reveal) {
  const Zone zone(office.config().office.timezone);
  const auto today = local_date(zone, office.clock.now());
  store::ClientStore clients(office.db);
  store::ConsentStore consents(office.db);
  json name = nullptr;
  if (c.name) {
    name = c.protected_identity && !reveal ? json("(protected identity)") : json(*c.name);
  }
  json guardians = json::array();
  for (const auto& g : clients.guardians(c.id)) {
    guardians.push_back({{"id", g.id},
                         {"name", g.name ? json(*g.name) : json(nullptr)},
                         {"phone", phone_view(g.phone, reveal)},
                         {"language", to_string(g.language)},
                         {"consent_sms", to_string(consents.state(c.id, g.id, "sms"))}});
  }
  const auto completeness = sms_consent(clients, consents, c, today);
  json view{{"ref", c.ref},
            {"name", name},
            {"phone", phone_view(c.phone, reveal)},
            {"language", to_string(c.language)},
            {"born", c.born ? json(format_date(*c.born)) : json(nullptr)},
            {"age", c.born ? json(age_on(*c.born, today)) : json(nullptr)},
            {"minor_under_15", is_minor_under_15(c.born, c.minor_flag, today)},
            {"protected", c.protected_identity},
            {"status", c.closed ? "closed" : "open"},
            {"guardians", guardians},
            {"consent_sms",
             {{"client", to_string(consents.state(c.id, std::nullopt, "sms"))},
              {"complete", completeness.complete},
              {"summary", completeness.summary}}}};
  view.update(time_pair(zone, "created", c.created_at));
  view.update(time_pair(zone, "last_contact", c.last_contact_at));
  if (c.closed_at) {
    view.update(time_pair(zone, "closed", *c.closed_at));
  }
  if (c.reopened_at) {
    view.update(time_pair(zone, "reopened", *c.reopened_at));
  }
  return view;
}

json booking_view(const OfficeContext& office, const store::BookingRecord& b) {
  const Zone zone(office.config().office.timezone);
  store::ClientStore clients(office.db);
  store::ConsentStore consents(office.db);
  json client = nullptr;
  json consent = nullptr;
  if (b.client_id) {
    if (const auto c = clients.find(*b.client_id)) {
      client = c->ref;
      // R3 is judged on the day of the visit: a child may turn 15 before it.
      const auto completeness = sms_consent(clients, consents, *c, local_date(zone, b.start));
      consent = {{"complete", completeness.complete}, {"summary", completeness.summary}};
    }
  }
  json interpreter = nullptr;
  if (b.interpreter_language || b.interpreter_booking) {
    interpreter = {{"language", b.interpreter_language ? json(*b.interpreter_language) : json(nullptr)},
                   {"booking", b.interpreter_booking ? json(*b.interpreter_booking) : json(nullptr)}};
  }
  json view{{"id", b.id},
            {"client", client},
            {"staff", b.staff},
            {"minutes", b.minutes},
            {"place", to_string(b.place)},
            {"first_visit", b.first_visit},
            {"interpreter", interpreter},
            {"status", to_string(b.status)},
            {"cancel_reason", b.cancel_reason ? json(*b.cancel_reason) : json(nullptr)},
            {"reminder_state", b.reminder_state},
            {"consent_sms", consent}};
  view.update(time_pair(zone, "start", b.start));
  json reminders = json::array();
  for (const auto& r : store::ReminderStore(office.db).for_booking(b.id)) {
    reminders.push_back(reminder_view(zone, r));
  }
  view["reminders"] = reminders;
  view["end_local"] = format_local_minutes(zone.to_local(b.start + std::chrono::minutes{b.minutes}));
  return view;
}

}  // namespace paminna::office
