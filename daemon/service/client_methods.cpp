// client.add/show/update, guardian.add, consent.grant/withdraw/show, audit.list.
#include <fmt/format.h>

#include "control/params.h"
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

struct ClientFields {
  std::optional<std::string> name;   // "" clears
  std::optional<std::string> phone;  // "" clears
  std::optional<Language> language;
  std::optional<Date> born;
  std::optional<bool> minor;
  std::optional<bool> protected_identity;
};

std::optional<bool> optional_flag(Params& p, const std::string& name) {
  // Params::optional_bool has a fallback; an absent flag must leave the stored value alone.
  const bool a = p.optional_bool(name, false);
  const bool b = p.optional_bool(name, true);
  return a == b ? std::optional<bool>(a) : std::nullopt;
}

ClientFields read_fields(Params& p, const OfficeContext& office, Date today) {
  ClientFields f;
  f.name = p.optional_string("name", kMaxName);
  if (auto phone = p.optional_string("phone", kMaxPhoneText)) {
    f.phone = phone->empty() ? std::string() : mobile_or_throw("phone", *phone, office.config().office.region);
  }
  f.language = optional_language(p, "lang");
  f.born = optional_date(p, "born");
  if (f.born && std::chrono::sys_days{*f.born} > std::chrono::sys_days{today}) {
    throw RpcError::invalid_params("born", "is in the future");
  }
  f.minor = optional_flag(p, "minor");
  if (f.born && f.minor) {
    throw RpcError::invalid_params("minor", "give either a date of birth (born) or the minor flag, not both");
  }
  f.protected_identity = optional_flag(p, "protected");
  return f;
}

void apply(const ClientFields& f, store::ClientRecord& c) {
  if (f.name) {
    c.name = f.name->empty() ? std::nullopt : f.name;
  }
  if (f.phone) {
    c.phone = f.phone->empty() ? std::nullopt : f.phone;
  }
  if (f.language) {
    c.language = *f.language;
  }
  if (f.born) {
    c.born = f.born;
    c.minor_flag = false;
  }
  if (f.minor) {
    c.minor_flag = *f.minor;
    c.born.reset();
  }
  if (f.protected_identity) {
    c.protected_identity = *f.protected_identity;
  }
}

// R10: reopens a closed case or says why a new case is needed.
void reopen_or_throw(const OfficeContext& office, store::ClientRecord& c, Instant now) {
  const int within = office.config().bookings.reopen_within_days;
  const Zone zone(office.config().office.timezone);
  const auto closed_at = c.closed_at.value_or(now);
  if (reopen_decision(closed_at, now, std::chrono::days{within}) == ReopenDecision::new_case) {
    throw RpcError::conflict(
        fmt::format("{} was closed on {}, {} or more days ago: open a new case with a new "
                    "reference (R10)",
                    c.ref, format_date(local_date(zone, closed_at)), within));
  }
  c.closed = false;
  c.reopened_at = now;
}

std::optional<std::int64_t> optional_guardian(Params& p) {
  return p.optional_int("guardian", 1, kMaxId);
}

void check_guardian(store::ClientStore& clients, const store::ClientRecord& c, std::optional<std::int64_t> id) {
  if (!id) {
    return;
  }
  const auto g = clients.find_guardian(*id);
  if (!g || g->client_id != c.id) {
    throw RpcError::not_found(fmt::format("guardian {} of client {}", *id, c.ref));
  }
}

std::string person(std::optional<std::int64_t> guardian) {
  return guardian ? fmt::format("guardian:{}", *guardian) : std::string("client");
}

json consent_change(const OfficeContext& office, const CallContext& context, const json& params,
                    ConsentEventKind kind) {
  Params p(params);
  const auto ref = required_ref(p, "client");
  const auto guardian = optional_guardian(p);
  const auto channel = p.optional_enum("channel", {"sms"}).value_or("sms");
  std::vector<std::string> sources(std::begin(kConsentSources), std::end(kConsentSources));
  const auto source = kind == ConsentEventKind::grant ? std::optional(p.required_enum("source", sources))
                                                      : p.optional_enum("source", sources);
  p.finish();

  store::Transaction tx(office.db);
  store::ClientStore clients(office.db);
  store::ConsentStore consents(office.db);
  const auto client = require_client(clients, ref);
  check_guardian(clients, client, guardian);
  const auto current = consents.state(client.id, guardian, channel);
  if (auto refusal = consent_change_refusal(current, kind)) {
    throw RpcError::conflict(fmt::format("{} ({} of {}): {}", channel, person(guardian), ref, *refusal));
  }
  const auto now = office.clock.now();
  store::ConsentEvent event;
  event.client_id = client.id;
  event.guardian_id = guardian;
  event.channel = channel;
  event.kind = kind;
  event.source = source;
  event.at = now;
  if (context.peer_uid) {
    event.peer_uid = static_cast<std::int64_t>(*context.peer_uid);
  }
  event.actor = context.actor;
  consents.append(event);
  clients.touch(client.id, now);
  const auto action = kind == ConsentEventKind::grant ? "consent.grant" : "consent.withdraw";
  office.auditor.record(
      context, action, subject(client),
      json{{"person", person(guardian)}, {"channel", channel}, {"source", source ? json(*source) : json(nullptr)}});
  // R2: a withdrawal stops reminders not yet sent; a grant gives the coming visits theirs.
  replan_client(office.db, office.config(), client.id, now);
  tx.commit();

  const Zone zone(office.config().office.timezone);
  const auto completeness = sms_consent(clients, consents, client, local_date(zone, now));
  json result{{"client", ref},
              {"person", person(guardian)},
              {"channel", channel},
              {"state", to_string(kind == ConsentEventKind::grant ? ConsentState::granted : ConsentState::withdrawn)},
              {"complete", completeness.complete},
              {"summary", completeness.summary}};
  result.update(time_pair(zone, "at", now));
  return result;
}

}  // namespace

void register_client_methods(const OfficeContext& office) {
  auto& m = office.methods;

  m.add("client.add",
        control::store_change("Add a client by case reference; a case closed less than 14 days ago is reopened (R10)."),
        [office](const CallContext& context, const json& params) {
          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          Params p(params);
          const auto ref = required_ref(p, "client");
          const auto fields = read_fields(p, office, local_date(zone, now));
          const bool reveal = reveal_or_throw(p, context, office.config().daemon.socket_group);
          p.finish();

          store::Transaction tx(office.db);
          store::ClientStore clients(office.db);
          auto existing = clients.find_by_ref(ref);
          json result;
          if (existing) {
            if (!existing->closed) {
              throw RpcError::conflict(fmt::format("client {} already exists and is open; use client update", ref));
            }
            reopen_or_throw(office, *existing, now);
            apply(fields, *existing);
            existing->last_contact_at = now;
            clients.update(*existing);
            office.auditor.record(context, "client.reopen", subject(*existing), json{{"rule", "R10"}});
            result = {{"reopened", true},
                      {"message", fmt::format("{} was closed less than {} days ago and has been reopened (R10)", ref,
                                              office.config().bookings.reopen_within_days)}};
            existing = clients.find(existing->id);
          } else {
            store::ClientRecord c;
            c.ref = ref;
            apply(fields, c);
            c.created_at = now;
            c.last_contact_at = now;
            c.id = clients.insert(c);
            office.auditor.record(context, "client.add", subject(c),
                                  json{{"language", to_string(c.language)}, {"protected", c.protected_identity}});
            result = {{"created", true}};
            existing = clients.find(c.id);
          }
          tx.commit();
          result["client"] = client_view(office, *existing, reveal);
          return result;
        });

  m.add("client.show", {"A client with guardians and consent (phone masked unless reveal).", false},
        [office](const CallContext& context, const json& params) {
          Params p(params);
          const auto ref = required_ref(p, "client");
          const bool reveal = reveal_or_throw(p, context, office.config().daemon.socket_group);
          p.finish();
          store::ClientStore clients(office.db);
          const auto client = require_client(clients, ref);
          return json{{"client", client_view(office, client, reveal)}};
        });

  m.add("client.update",
        control::store_change("Change a client's details; status closed/open closes or reopens the case (R10)."),
        [office](const CallContext& context, const json& params) {
          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          Params p(params);
          const auto ref = required_ref(p, "client");
          const auto fields = read_fields(p, office, local_date(zone, now));
          const auto status = p.optional_enum("status", {"open", "closed"});
          const bool reveal = reveal_or_throw(p, context, office.config().daemon.socket_group);
          p.finish();

          store::Transaction tx(office.db);
          store::ClientStore clients(office.db);
          auto client = require_client(clients, ref);
          json changed = json::array();
          for (const auto& [name, given] :
               {std::pair{"name", fields.name.has_value()}, std::pair{"phone", fields.phone.has_value()},
                std::pair{"lang", fields.language.has_value()}, std::pair{"born", fields.born.has_value()},
                std::pair{"minor", fields.minor.has_value()},
                std::pair{"protected", fields.protected_identity.has_value()}}) {
            if (given) {
              changed.push_back(name);
            }
          }
          apply(fields, client);
          if (status == "closed") {
            if (client.closed) {
              throw RpcError::conflict(fmt::format("client {} is already closed", ref));
            }
            client.closed = true;
            client.closed_at = now;
            changed.push_back("status");
          } else if (status == "open") {
            if (!client.closed) {
              throw RpcError::conflict(fmt::format("client {} is already open", ref));
            }
            reopen_or_throw(office, client, now);
            changed.push_back("status");
          }
          if (changed.empty()) {
            throw RpcError(control::error_code::invalid_params, "nothing to change: give at least one field");
          }
          client.last_contact_at = now;
          clients.update(client);
          // Which fields changed, never their values (a name or number must not reach the audit trail).
          office.auditor.record(context, "client.update", subject(client),
                                json{{"fields", changed}, {"status", client.closed ? "closed" : "open"}});
          replan_client(office.db, office.config(), client.id, now);
          tx.commit();
          return json{{"client", client_view(office, *clients.find(client.id), reveal)}};
        });

  m.add("guardian.add", control::store_change("Add a guardian (vårdnadshavare) to a child under 15 (R3)."),
        [office](const CallContext& context, const json& params) {
          Params p(params);
          const auto ref = required_ref(p, "client");
          const auto phone_text = p.required_string("phone", kMaxPhoneText);
          const auto language = optional_language(p, "lang");
          const auto name = p.optional_string("name", kMaxName);
          const bool reveal = reveal_or_throw(p, context, office.config().daemon.socket_group);
          p.finish();
          const auto phone = mobile_or_throw("phone", phone_text, office.config().office.region);

          const Zone zone(office.config().office.timezone);
          const auto now = office.clock.now();
          store::Transaction tx(office.db);
          store::ClientStore clients(office.db);
          const auto client = require_client(clients, ref);
          if (auto refusal = guardian_refusal(client.born, client.minor_flag, local_date(zone, now))) {
            throw RpcError::conflict(fmt::format("client {}: {}", ref, *refusal));
          }
          store::GuardianRecord g;
          g.client_id = client.id;
          g.name = name && !name->empty() ? name : std::nullopt;
          g.phone = phone;
          g.language = language.value_or(client.language);
          g.created_at = now;
          g.id = clients.add_guardian(g);
          clients.touch(client.id, now);
          office.auditor.record(context, "guardian.add", subject(client), json{{"guardian", g.id}});
          replan_client(office.db, office.config(), client.id, now);
          tx.commit();
          return json{{"guardian", g.id}, {"client", client_view(office, *clients.find(client.id), reveal)}};
        });

  m.add("consent.grant",
        control::store_change("Record a consent to SMS with its source (R2); for a guardian give guardian."),
        [office](const CallContext& context, const json& params) {
          return consent_change(office, context, params, ConsentEventKind::grant);
        });

  m.add("consent.withdraw",
        control::store_change("Record that a consent was withdrawn (R2); stops reminders not yet sent."),
        [office](const CallContext& context, const json& params) {
          return consent_change(office, context, params, ConsentEventKind::withdraw);
        });

  m.add(
      "consent.show", {"A client's consent state per person and its full history.", false},
      [office](const CallContext&, const json& params) {
        Params p(params);
        const auto ref = required_ref(p, "client");
        p.finish();
        const Zone zone(office.config().office.timezone);
        store::ClientStore clients(office.db);
        store::ConsentStore consents(office.db);
        const auto client = require_client(clients, ref);
        json people = json::array();
        people.push_back({{"person", "client"}, {"state", to_string(consents.state(client.id, std::nullopt, "sms"))}});
        for (const auto& g : clients.guardians(client.id)) {
          people.push_back({{"person", person(g.id)}, {"state", to_string(consents.state(client.id, g.id, "sms"))}});
        }
        json history = json::array();
        for (const auto& e : consents.history(client.id)) {
          json row{{"person", person(e.guardian_id)},
                   {"channel", e.channel},
                   {"event", e.kind == ConsentEventKind::grant ? "grant" : "withdraw"},
                   {"source", e.source ? json(*e.source) : json(nullptr)},
                   {"actor", e.actor ? json(*e.actor) : json(nullptr)},
                   {"uid", e.peer_uid ? json(*e.peer_uid) : json(nullptr)}};
          row.update(time_pair(zone, "at", e.at));
          history.push_back(std::move(row));
        }
        const auto completeness = sms_consent(clients, consents, client, local_date(zone, office.clock.now()));
        return json{{"client", ref},
                    {"channel", "sms"},
                    {"people", people},
                    {"complete", completeness.complete},
                    {"summary", completeness.summary},
                    {"history", history}};
      });

  m.add("audit.list", {"The audit trail, newest first (filters: subject, since, limit).", false},
        [office](const CallContext&, const json& params) {
          Params p(params);
          const auto subject_filter = p.optional_string("subject", 100);
          const auto since_text = p.optional_string("since", 20);
          const auto limit = p.optional_int("limit", 1, 10000).value_or(100);
          p.finish();
          const Zone zone(office.config().office.timezone);
          store::AuditFilter filter;
          filter.subject = subject_filter;
          filter.limit = static_cast<int>(limit);
          if (since_text) {
            if (auto date = parse_date(*since_text)) {
              filter.since = zone.start_of_day(std::chrono::local_days{*date});
            } else if (auto local = parse_local_minutes(*since_text)) {
              // A person asking "since 02:30" on a DST night means roughly then; lenient is right here.
              filter.since = zone.resolve_lenient(*local);
            } else {
              throw RpcError::invalid_params("since", "must be a local date YYYY-MM-DD or time YYYY-MM-DD HH:MM");
            }
          }
          json entries = json::array();
          for (const auto& e : office.auditor.store().list(filter)) {
            json row{{"id", e.id},
                     {"uid", e.peer_uid ? json(*e.peer_uid) : json(nullptr)},
                     {"actor", e.actor ? json(*e.actor) : json(nullptr)},
                     {"action", e.action},
                     {"subject", e.subject ? json(*e.subject) : json(nullptr)},
                     {"detail", e.detail ? json::parse(*e.detail, nullptr, false) : json(nullptr)}};
            row.update(time_pair(zone, "at", e.at));
            entries.push_back(std::move(row));
          }
          return json{{"entries", entries}};
        });
}

}  // namespace paminna
