// client add/show/update, guardian add, consent grant/withdraw/show, audit list, retention run.
#include <fmt/format.h>

#include <memory>
#include <ostream>
#include <sstream>

#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/table.h"

namespace paminna::ctl {

using nlohmann::json;

namespace {

void print_key_values(const Table& table, std::ostream& out) {
  std::ostringstream body;
  table.print(body);
  const auto s = body.str();
  out << s.substr(s.find('\n') + 1);
}

void print_client(const json& r, std::ostream& out) {
  if (r.contains("message")) {
    out << text(r["message"]) << "\n";
  }
  const auto& c = r["client"];
  Table table({"", ""});
  table.add({"client", text(c["ref"])});
  table.add({"name", text(c["name"])});
  table.add({"phone", text(c["phone"])});
  table.add({"language", text(c["language"])});
  table.add({"born", c["born"].is_null() ? "-" : fmt::format("{} (age {})", text(c["born"]), text(c["age"]))});
  table.add({"under 15", c.value("minor_under_15", false) ? "yes: guardians consent (R3)" : "no"});
  table.add({"protected identity", c.value("protected", false) ? "yes" : "no"});
  table.add({"status", c.contains("closed_local") && c["status"] == "closed"
                           ? fmt::format("closed {}", local(c["closed_local"]))
                           : text(c["status"])});
  table.add({"consent (SMS)", fmt::format("{}{}", text(c["consent_sms"]["summary"]),
                                          c["consent_sms"].value("complete", false) ? "" : " — incomplete")});
  table.add({"last contact", local(c["last_contact_local"])});
  print_key_values(table, out);
  if (!c["guardians"].empty()) {
    out << "guardians:\n";
    Table guardians({"  ID", "NAME", "PHONE", "LANG", "CONSENT"});
    for (const auto& g : c["guardians"]) {
      guardians.add(
          {"  " + text(g["id"]), text(g["name"]), text(g["phone"]), text(g["language"]), text(g["consent_sms"])});
    }
    guardians.print(out);
  }
}

void print_consent_change(const json& r, std::ostream& out) {
  out << fmt::format("{}: {} consent to {} {} at {}\n", text(r["client"]), text(r["person"]), text(r["channel"]),
                     text(r["state"]), local(r["at_local"]));
  out << fmt::format("consent {}: {}\n", r.value("complete", false) ? "complete" : "INCOMPLETE", text(r["summary"]));
}

void print_consent(const json& r, std::ostream& out) {
  out << fmt::format("{} — SMS consent {}: {}\n", text(r["client"]),
                     r.value("complete", false) ? "complete" : "INCOMPLETE", text(r["summary"]));
  Table people({"PERSON", "STATE"});
  for (const auto& p : r["people"]) {
    people.add({text(p["person"]), text(p["state"])});
  }
  people.print(out);
  if (!r["history"].empty()) {
    out << "history:\n";
    Table history({"  WHEN", "PERSON", "EVENT", "SOURCE", "BY"});
    for (const auto& h : r["history"]) {
      history.add({"  " + local(h["at_local"]), text(h["person"]), text(h["event"]), text(h["source"]),
                   h["actor"].is_null() ? fmt::format("uid {}", text(h["uid"])) : text(h["actor"])});
    }
    history.print(out);
  }
}

void print_audit(const json& r, std::ostream& out) {
  Table table({"ID", "WHEN", "BY", "ACTION", "SUBJECT", "DETAIL"});
  for (const auto& e : r["entries"]) {
    std::string by = e["actor"].is_null() ? "" : text(e["actor"]);
    if (!e["uid"].is_null()) {
      by += (by.empty() ? "uid " : " (uid ") + text(e["uid"]) + (by.rfind("uid ", 0) == 0 ? "" : ")");
    }
    table.add({text(e["id"]), local(e["at_local"]), by.empty() ? "-" : by, text(e["action"]), text(e["subject"]),
               e["detail"].is_null() ? "" : e["detail"].dump()});
  }
  if (table.empty()) {
    out << "no audit entries\n";
    return;
  }
  table.print(out);
}

struct ClientOptions {
  std::string ref, name, phone, lang, born, status;
  bool minor = false, not_minor = false, protected_identity = false, not_protected = false, reveal = false;
  bool close = false, reopen = false;
};

struct ConsentOptions {
  std::string client, source, channel;
  std::int64_t guardian = 0;
};

struct AuditOptions {
  std::string subject, client, since;
  std::int64_t booking = 0;
  int limit = 0;
};

json client_params(const ClientOptions& o) {
  json params{{"client", o.ref}};
  if (!o.name.empty()) {
    params["name"] = o.name;
  }
  if (!o.phone.empty()) {
    params["phone"] = o.phone;
  }
  if (!o.lang.empty()) {
    params["lang"] = o.lang;
  }
  if (!o.born.empty()) {
    params["born"] = o.born;
  }
  if (o.minor || o.not_minor) {
    params["minor"] = o.minor;
  }
  if (o.protected_identity || o.not_protected) {
    params["protected"] = o.protected_identity;
  }
  if (o.reveal) {
    params["reveal"] = true;
  }
  return params;
}

void add_client_fields(CLI::App* cmd, ClientOptions& o) {
  cmd->add_option("--phone", o.phone, "Mobile number, e.g. \"070-123 45 67\" (a fixed line cannot get SMS)");
  cmd->add_option("--lang", o.lang, "sv, en or ar (letters and reminders)")->check(CLI::IsMember({"sv", "en", "ar"}));
  cmd->add_option("--name", o.name, "Display name (optional)");
  auto* born = cmd->add_option("--born", o.born, "Date of birth YYYY-MM-DD");
  auto* minor = cmd->add_flag("--minor", o.minor, "Child under 15, date of birth unknown")->excludes(born);
  cmd->add_flag("--not-minor", o.not_minor, "Not a child under 15")->excludes(minor);
  auto* prot = cmd->add_flag("--protected", o.protected_identity, "Protected identity (skyddad identitet)");
  cmd->add_flag("--not-protected", o.not_protected, "Not protected identity")->excludes(prot);
  cmd->add_flag("--reveal", o.reveal, "Show full phone numbers and protected names (staff group only)");
}

}  // namespace

void add_client_commands(CLI::App& app, Runner& run) {
  auto* client = app.add_subcommand("client", "Clients (cases): add, show, update");
  client->require_subcommand(1);
  {
    auto o = std::make_shared<ClientOptions>();
    auto* cmd = client->add_subcommand("add", "Add a client; a case closed less than 14 days ago is reopened (R10)");
    cmd->add_option("--ref", o->ref, "Case reference, e.g. K-2026-0042")->required();
    add_client_fields(cmd, *o);
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) { return call_and_print(c, "client.add", client_params(*o), print_client); };
    });
  }
  {
    auto o = std::make_shared<ClientOptions>();
    auto* cmd = client->add_subcommand("show", "Show a client, guardians and consent (numbers masked)");
    cmd->add_option("ref", o->ref, "Case reference")->required();
    cmd->add_flag("--reveal", o->reveal, "Show full phone numbers and protected names (staff group only)");
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) { return call_and_print(c, "client.show", client_params(*o), print_client); };
    });
  }
  {
    auto o = std::make_shared<ClientOptions>();
    auto* cmd = client->add_subcommand("update", "Change a client's details, or close/reopen the case");
    cmd->add_option("ref", o->ref, "Case reference")->required();
    add_client_fields(cmd, *o);
    auto* close = cmd->add_flag("--close", o->close, "Close the case");
    cmd->add_flag("--reopen", o->reopen, "Reopen a case closed less than 14 days ago (R10)")->excludes(close);
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        auto params = client_params(*o);
        if (o->close) {
          params["status"] = "closed";
        } else if (o->reopen) {
          params["status"] = "open";
        }
        return call_and_print(c, "client.update", params, print_client);
      };
    });
  }

  auto* guardian = app.add_subcommand("guardian", "Guardians (vårdnadshavare) of a child under 15");
  guardian->require_subcommand(1);
  {
    auto o = std::make_shared<ClientOptions>();
    auto* cmd = guardian->add_subcommand("add", "Add a guardian to a child under 15 (R3)");
    cmd->add_option("--client", o->ref, "The child's case reference")->required();
    cmd->add_option("--phone", o->phone, "The guardian's mobile number")->required();
    cmd->add_option("--lang", o->lang, "sv, en or ar (default: the child's)")->check(CLI::IsMember({"sv", "en", "ar"}));
    cmd->add_option("--name", o->name, "Display name (optional)");
    cmd->add_flag("--reveal", o->reveal, "Show full phone numbers (staff group only)");
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        auto params = client_params(*o);
        return call_and_print(c, "guardian.add", params, [](const json& r, std::ostream& out) {
          out << "guardian " << text(r["guardian"]) << " added\n";
          print_client(r, out);
        });
      };
    });
  }

  auto* consent = app.add_subcommand("consent", "Consent to SMS: grant, withdraw, show (R2, R3)");
  consent->require_subcommand(1);
  for (const auto& [verb, method, help] :
       {std::tuple{"grant", "consent.grant", "Record a consent with its source"},
        std::tuple{"withdraw", "consent.withdraw", "Record that a consent was withdrawn"}}) {
    auto o = std::make_shared<ConsentOptions>();
    auto* cmd = consent->add_subcommand(verb, help);
    cmd->add_option("--client", o->client, "Case reference")->required();
    cmd->add_option("--guardian", o->guardian, "Guardian id (from client show); without it, the client's own");
    auto* source = cmd->add_option("--source", o->source, "victim-form, police-report, phone or in-person")
                       ->check(CLI::IsMember({"victim-form", "police-report", "phone", "in-person"}));
    if (std::string_view(verb) == "grant") {
      source->required();
    }
    const std::string method_name = method;
    cmd->callback([&run, o, method_name] {
      run = [o, method_name](CommandContext& c) {
        json params{{"client", o->client}};
        if (o->guardian > 0) {
          params["guardian"] = o->guardian;
        }
        if (!o->source.empty()) {
          params["source"] = o->source;
        }
        return call_and_print(c, method_name, params, print_consent_change);
      };
    });
  }
  {
    auto o = std::make_shared<ConsentOptions>();
    auto* cmd = consent->add_subcommand("show", "A client's consent per person, with history");
    cmd->add_option("client", o->client, "Case reference")->required();
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        return call_and_print(c, "consent.show", json{{"client", o->client}}, print_consent);
      };
    });
  }

  auto* audit = app.add_subcommand("audit", "The audit trail: who changed what, when");
  audit->require_subcommand(1);
  {
    auto o = std::make_shared<AuditOptions>();
    auto* cmd = audit->add_subcommand("list", "Audit entries, newest first");
    auto* subject = cmd->add_option("--subject", o->subject, "Exact subject, e.g. booking:42");
    auto* for_client = cmd->add_option("--client", o->client, "Entries about this case")->excludes(subject);
    cmd->add_option("--booking", o->booking, "Entries about this booking")->excludes(subject)->excludes(for_client);
    cmd->add_option("--since", o->since, "Local date YYYY-MM-DD or time \"YYYY-MM-DD HH:MM\"");
    cmd->add_option("--limit", o->limit, "At most this many (default 100)")->check(CLI::Range(1, 10000));
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        json params = json::object();
        if (!o->subject.empty()) {
          params["subject"] = o->subject;
        } else if (!o->client.empty()) {
          params["subject"] = "client:" + o->client;
        } else if (o->booking > 0) {
          params["subject"] = fmt::format("booking:{}", o->booking);
        }
        if (!o->since.empty()) {
          params["since"] = o->since;
        }
        if (o->limit > 0) {
          params["limit"] = o->limit;
        }
        return call_and_print(c, "audit.list", params, print_audit);
      };
    });
  }

  auto* retention = app.add_subcommand("retention", "Retention of personal data (R9)");
  retention->require_subcommand(1);
  retention->add_subcommand("run", "Purge now what has passed its retention (it also runs daily)")->callback([&run] {
    run = [](CommandContext& c) {
      return call_and_print(c, "retention.run", json::object(), [](const json& r, std::ostream& out) {
        out << fmt::format(
            "purged {} clients ({} guardians, {} consent records); {} visits and {} closed callback tasks "
            "anonymised; cutoff {}\n",
            text(r["clients"]), text(r["guardians"]), text(r["consents"]), text(r["bookings_anonymised"]),
            text(r["callback_tasks_anonymised"]), text(r["cutoff_utc"]));
      });
    };
  });
}

}  // namespace paminna::ctl
