// Helpers shared by the office's methods: reading ids and references from
// params, finding records or failing with not_found, and the JSON views.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "control/params.h"
#include "domain/client_rules.h"
#include "domain/local_time.h"
#include "service/office.h"
#include "store/booking_store.h"
#include "store/client_store.h"
#include "store/consent_store.h"

namespace paminna::office {

constexpr std::size_t kMaxRef = 32;
constexpr std::size_t kMaxName = 100;
constexpr std::size_t kMaxPhoneText = 40;
constexpr std::size_t kMaxReason = 300;
constexpr std::int64_t kMaxId = 1LL << 53;  // exact in every JSON reader

// A case reference: 1–32 letters, digits, '-', '/' or '.'.
std::string required_ref(control::Params& p, const std::string& field);
std::optional<Language> optional_language(control::Params& p, const std::string& field);
// E.164 mobile or invalid_params naming the field (R1: a fixed line cannot get SMS).
std::string mobile_or_throw(const std::string& field, const std::string& text, const std::string& region);
std::optional<Date> optional_date(control::Params& p, const std::string& field);

store::ClientRecord require_client(store::ClientStore& clients, const std::string& ref);
store::BookingRecord require_booking(store::BookingStore& bookings, std::int64_t id);

Date local_date(const Zone& zone, Instant at);

// R1/R3 for the sms channel, with minority judged on `on`.
ConsentCompleteness sms_consent(store::ClientStore& clients, store::ConsentStore& consents,
                                const store::ClientRecord& client, Date on);

std::string subject(const store::ClientRecord& client);    // "client:K-2026-0042"
std::string subject(const store::BookingRecord& booking);  // "booking:42"

// May this peer see full numbers and names? uid 0, or a member of
// daemon.socket_group (the daemon's own group when empty), by getgrouplist.
bool may_reveal(const control::CallContext& who, const std::string& socket_group);
// The optional "reveal" parameter; asked for by a peer that may not: permission_denied.
bool reveal_or_throw(control::Params& p, const control::CallContext& who, const std::string& socket_group);

nlohmann::json phone_view(const std::optional<std::string>& e164, bool reveal);
nlohmann::json client_view(const OfficeContext& office, const store::ClientRecord& client, bool reveal);
nlohmann::json booking_view(const OfficeContext& office, const store::BookingRecord& booking);
nlohmann::json time_pair(const Zone& zone, const std::string& prefix, Instant at);

}  // namespace paminna::office
