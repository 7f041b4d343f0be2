// booking.add/move/cancel/reassign/mark/show/list (R1, R3, R4, R12).
#include <fmt/format.h>

#include "control/params.h"
#include "domain/booking_rules.h"
#include "service/office.h"
#include "service/office_common.h"
#include "service/reminder_planner.h"

namespace paminna {

using control::CallContext;
using control::Params;
using control::RpcError;
using nlohmann::json;
using namespace office;

namespace {

constexpr std::int64_t kMinMinutes = 5;
constexpr std::int64_t kMaxMinutes = 8 * 60;

std::int64_t required_booking(Params& p) {
  return p.required_int("booking", 1, kMaxId);
}

std::string staff_or_throw(Params& p, const std::string& field) {
  auto staff = normalise_staff(p.required_string(field, 8));
  if (!staff) {
    throw RpcError::invalid_params(field, staff.error());
  }
  return *staff;
}

Instant visit_time_or_throw(const Zone& zone, const std::string& field, const std::string& text) {
  auto at = resolve_visit_time(zone, text);
  if (!at) {
    throw RpcError::invalid_params(field, at.error());
  }
  return *at;
}

// R4: refuses the past (field "at"), returns the warnings (far ahead, overlap).
std::vector<BookingWarning> check_time(const OfficeContext& office, const store::BookingRecord& b, Instant now,
                                       const Zone& zone) {
  store::BookingStore bookings(office.db);
  const Visit visit{b.id, b.start, std::chrono::minutes{b.minutes}};
  const auto same_staff =
      bookings.booked_overlapping(b.staff, b.start, b.start + visit.length, std::chrono::minutes{kMaxMinutes});
  auto checked = check_visit_time(visit, now, same_staff, VisitRules{office.config().bookings.warn_beyond_days}, zone);
  if (!checked) {
    throw RpcError::invalid_params("at", checked.error());
  }
  return *checked;
}

void add_consent_warning(const OfficeContext& office, const store::BookingRecord& b, const Zone& zone,
                         std::vector<BookingWarning>& warnings) {
  if (!b.client_id) {
    return;
  }
  store::ClientStore clients(office.db);
  store::ConsentStore consents(office.db);
  const auto client = clients.find(*b.client_id);
  if (!client) {
    return;
  }
  const auto consent = sms_consent(clients, consents, *client, local_date(zone, b.start));
  if (!consent.complete) {
    warnings.push_back({"consent_incomplete",
                        consent.via_guardians
                            ? fmt::format("{}: every guardian must consent before the visit (R3); no SMS reminder "
                                          "until then",
                                          consent.summary)
                            : fmt::format("{}: no SMS reminder will be sent (R1)", consent.summary)});
  }
}

json warnings_json(const std::vector<BookingWarning>& warnings) {
  json out = json::array();
  for (const auto& w : warnings) {
    out.push_back({{"code", w.code}, {"message", w.message}});
  }
  return out;
}

json warning_codes(const std::vector<BookingWarning>& warnings) {
  json codes = json::array();
  for (const auto& w : warnings) {
    codes.push_back(w.code);
  }
  return codes;
}

void touch_client(const OfficeContext& office, const store::BookingRecord& b, Instant now) {
  if (b.client_id) {
    // R9: retention counts from the last contact, and a booked visit is a contact to come.
    store::ClientStore(office.db).touch(*b.client_id, std::max(now, b.start));
  }
}

}  // namespace

void register_booking_methods(const OfficeContext& office) {
  auto& m = office.methods;

  m.add("booking.add",
        control::store_change(
            "Book a visit: client, local time, staff; warns >14 days ahead and on overlap, refuses the past (R4)."),
        [office](const CallContext& context, const json& params) {
          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          Params p(params);
          const auto ref = required_ref(p, "client");
          const auto at_text = p.required_string("at", 20);
          const auto staff = staff_or_throw(p, "staff");
          const auto minutes = p.optional_int("minutes", kMinMinutes, kMaxMinutes);
          const auto place = p.optional_enum("place", {"office", "phone", "home"});
          const bool first_visit = p.optional_bool("first_visit", false);
          const auto interpreter = p.optional_string("interpreter", 40);
          const auto interpreter_booking = p.optional_string("interpreter_booking", 40);
          p.finish();
          if (interpreter_booking && !interpreter) {
            throw RpcError::invalid_params("interpreter", "is required with interpreter_booking (the language)");
          }

          store::BookingRecord b;
          b.staff = staff;
          b.start = visit_time_or_throw(zone, "at", at_text);
          b.minutes = static_cast<int>(minutes.value_or(office.config().bookings.default_minutes));
          b.place = parse_place(place.value_or("office")).value_or(Place::office);
          b.first_visit = first_visit;
          b.interpreter_language = interpreter && !interpreter->empty() ? interpreter : std::nullopt;
          b.interpreter_booking =
              interpreter_booking && !interpreter_booking->empty() ? interpreter_booking : std::nullopt;
          b.created_at = now;
          b.updated_at = now;

          store::Transaction tx(office.db);
          store::ClientStore clients(office.db);
          const auto client = require_client(clients, ref);
          if (client.closed) {
            throw RpcError::conflict(
                fmt::format("client {} is closed; reopen the case first (paminnactl client add --ref {})", ref, ref));
          }
          b.client_id = client.id;
          auto warnings = check_time(office, b, now, zone);
          add_consent_warning(office, b, zone, warnings);
          store::BookingStore bookings(office.db);
          b.id = bookings.insert(b);
          touch_client(office, b, now);
          const auto reminder_note = plan_booking_reminders(office.db, office.config(), b, now);
          office.auditor.record(context, "booking.add", subject(b),
                                json{{"client", ref},
                                     {"staff", b.staff},
                                     {"start_utc", format_utc(b.start)},
                                     {"minutes", b.minutes},
                                     {"first_visit", b.first_visit},
                                     {"warnings", warning_codes(warnings)}});
          tx.commit();
          json result{{"booking", booking_view(office, require_booking(bookings, b.id))},
                      {"warnings", warnings_json(warnings)}};
          if (!reminder_note.empty()) {
            result["reminder_note"] = reminder_note;
          }
          return result;
        });

  m.add("booking.move", control::store_change("Move a booked visit to another local time (and length)."),
        [office](const CallContext& context, const json& params) {
          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          Params p(params);
          const auto id = required_booking(p);
          const auto at_text = p.required_string("at", 20);
          const auto minutes = p.optional_int("minutes", kMinMinutes, kMaxMinutes);
          p.finish();
          const auto start = visit_time_or_throw(zone, "at", at_text);

          store::Transaction tx(office.db);
          store::BookingStore bookings(office.db);
          auto b = require_booking(bookings, id);
          if (auto refusal = change_refusal(b.status)) {
            throw RpcError::conflict(fmt::format("booking {}: {}", id, *refusal));
          }
          const auto from = b.start;
          b.start = start;
          if (minutes) {
            b.minutes = static_cast<int>(*minutes);
          }
          b.updated_at = now;
          auto warnings = check_time(office, b, now, zone);
          add_consent_warning(office, b, zone, warnings);
          bookings.update(b);
          touch_client(office, b, now);
          const auto reminder_note = plan_booking_reminders(office.db, office.config(), b, now, true);
          office.auditor.record(
              context, "booking.move", subject(b),
              json{{"from_utc", format_utc(from)}, {"to_utc", format_utc(b.start)}, {"minutes", b.minutes}});
          tx.commit();
          json result{{"booking", booking_view(office, require_booking(bookings, b.id))},
                      {"warnings", warnings_json(warnings)}};
          if (!reminder_note.empty()) {
            result["reminder_note"] = reminder_note;
          }
          result.update(time_pair(zone, "from", from));
          return result;
        });

  m.add("booking.cancel", control::store_change("Cancel a booked visit with a reason."),
        [office](const CallContext& context, const json& params) {
          Params p(params);
          const auto id = required_booking(p);
          const auto reason = p.required_string("reason", kMaxReason);
          p.finish();
          store::Transaction tx(office.db);
          store::BookingStore bookings(office.db);
          auto b = require_booking(bookings, id);
          if (auto refusal = change_refusal(b.status)) {
            throw RpcError::conflict(fmt::format("booking {}: {}", id, *refusal));
          }
          b.status = BookingStatus::cancelled;
          b.cancel_reason = reason;
          b.updated_at = office.clock.now();
          bookings.update(b);
          plan_booking_reminders(office.db, office.config(), b, b.updated_at);
          // The reason is free text and may name someone: it stays out of the audit trail.
          office.auditor.record(context, "booking.cancel", subject(b), json{{"start_utc", format_utc(b.start)}});
          tx.commit();
          return json{{"booking", booking_view(office, require_booking(bookings, b.id))}};
        });

  m.add("booking.reassign", control::store_change("Give a booked visit to another staff member."),
        [office](const CallContext& context, const json& params) {
          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          Params p(params);
          const auto id = required_booking(p);
          const auto staff = staff_or_throw(p, "staff");
          p.finish();
          store::Transaction tx(office.db);
          store::BookingStore bookings(office.db);
          auto b = require_booking(bookings, id);
          if (auto refusal = change_refusal(b.status)) {
            throw RpcError::conflict(fmt::format("booking {}: {}", id, *refusal));
          }
          const auto from = b.staff;
          b.staff = staff;
          b.updated_at = now;
          std::vector<BookingWarning> warnings;
          if (b.start >= now) {
            warnings = check_time(office, b, now, zone);
          }
          // Only the new owner's calendar is news here; "far ahead" was said when it was booked.
          std::erase_if(warnings, [](const BookingWarning& w) { return w.code != "overlap"; });
          bookings.update(b);
          office.auditor.record(context, "booking.reassign", subject(b), json{{"from", from}, {"to", b.staff}});
          tx.commit();
          return json{{"booking", booking_view(office, b)}, {"warnings", warnings_json(warnings)}};
        });

  m.add("booking.mark", control::store_change("Mark a visit that has begun as attended or no-show (R12)."),
        [office](const CallContext& context, const json& params) {
          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          Params p(params);
          const auto id = required_booking(p);
          const auto outcome = p.required_enum("outcome", {"attended", "no-show"});
          p.finish();
          const auto to = *parse_booking_status(outcome);
          store::Transaction tx(office.db);
          store::BookingStore bookings(office.db);
          auto b = require_booking(bookings, id);
          if (auto refusal = mark_refusal(b.status, to, b.start, now, zone)) {
            throw RpcError::conflict(fmt::format("booking {}: {}", id, *refusal));
          }
          const auto from = b.status;
          b.status = to;
          b.updated_at = now;
          bookings.update(b);
          touch_client(office, b, now);
          plan_booking_reminders(office.db, office.config(), b, now);
          office.auditor.record(context, "booking.mark", subject(b),
                                json{{"from", to_string(from)}, {"to", to_string(to)}});
          tx.commit();
          json result{{"booking", booking_view(office, require_booking(bookings, b.id))}};
          if (auto follow_up = mark_follow_up(to, b.first_visit)) {
            result["follow_up"] = *follow_up;
          }
          return result;
        });

  m.add("booking.show", {"One booking with its consent and reminder state.", false},
        [office](const CallContext&, const json& params) {
          Params p(params);
          const auto id = required_booking(p);
          p.finish();
          store::BookingStore bookings(office.db);
          return json{{"booking", booking_view(office, require_booking(bookings, id))}};
        });

  m.add("booking.list",
        {"Bookings of a day or an ISO week (default today), optionally one staff member's or client's.", false},
        [office](const CallContext&, const json& params) {
          const Zone zone(office.config().office.timezone);
          Params p(params);
          const auto day = optional_date(p, "day");
          const auto week = optional_date(p, "week");
          const auto staff = p.optional_string("staff", 8);
          const auto client_ref = p.optional_string("client", kMaxRef);
          const bool all = p.optional_bool("all", false);
          p.finish();
          if (day && week) {
            throw RpcError::invalid_params("week", "give either day or week, not both");
          }
          std::chrono::local_days first{local_date(zone, office.clock.now())};
          int length = 1;
          if (day) {
            first = std::chrono::local_days{*day};
          } else if (week) {
            const std::chrono::weekday wd{std::chrono::sys_days{*week}};
            first = std::chrono::local_days{*week} - std::chrono::days{wd.iso_encoding() - 1};  // Monday
            length = 7;
          }
          store::BookingQuery query;
          query.from = zone.start_of_day(first);
          query.to = zone.start_of_day(first + std::chrono::days{length});
          query.include_cancelled = all;
          if (staff) {
            auto normalised = normalise_staff(*staff);
            if (!normalised) {
              throw RpcError::invalid_params("staff", normalised.error());
            }
            query.staff = *normalised;
          }
          if (client_ref) {
            store::ClientStore clients(office.db);
            query.client_id = require_client(clients, *client_ref).id;
          }
          json rows = json::array();
          store::BookingStore bookings(office.db);
          for (const auto& b : bookings.list(query)) {
            rows.push_back(booking_view(office, b));
          }
          return json{{"from_local", format_local_minutes(std::chrono::local_seconds{first})},
                      {"days", length},
                      {"bookings", rows}};
        });
}

}  // namespace paminna
