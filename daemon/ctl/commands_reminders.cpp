// reminder list|show|retry|resolve|preview, gateway resume.
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/table.h"

namespace paminna::ctl {

using nlohmann::json;

namespace {

void print_reminders(const json& rows, std::ostream& out) {
  Table table({"ID", "BOOKING", "VISIT", "KIND", "TO", "STATE", "DUE", "TRIES", "NOTE"});
  for (const auto& r : rows) {
    table.add({text(r["id"]), text(r["booking"]), local(r["visit_start_local"]), text(r["kind"]), text(r["recipient"]),
               text(r["state"]) + (r.value("possible_duplicate", false) ? " (dup?)" : ""), local(r["due_local"]),
               text(r["attempts"]), r["reason"].is_string() ? text(r["reason"]) : ""});
  }
  if (table.empty()) {
    out << "no reminders\n";
    return;
  }
  table.print(out);
}

void print_one(const json& r, std::ostream& out) {
  print_reminders(json::array({r["reminder"]}), out);
}

}  // namespace

void add_reminder_commands(CLI::App& app, Runner& run) {
  auto* reminder = app.add_subcommand("reminder", "SMS reminders: list, show, retry, resolve, preview");
  reminder->require_subcommand(1);

  auto* list = reminder->add_subcommand("list", "Reminders by state and/or visit day (default: from today)");
  auto state = std::make_shared<std::string>();
  auto day = std::make_shared<std::string>();
  list->add_option("--state", *state, "scheduled, sending, sent, retry, held, failed, skipped, cancelled, expired");
  list->add_option("--day", *day, "Visits on this day (YYYY-MM-DD)");
  list->callback([&run, state, day] {
    run = [state, day](CommandContext& c) {
      json params = json::object();
      if (!state->empty()) {
        params["state"] = *state;
      }
      if (!day->empty()) {
        params["day"] = *day;
      }
      return call_and_print(c, "reminder.list", params,
                            [](const json& r, std::ostream& out) { print_reminders(r["reminders"], out); });
    };
  });

  auto id = std::make_shared<std::int64_t>(0);
  auto* show = reminder->add_subcommand("show", "One reminder");
  show->add_option("id", *id, "Reminder id")->required();
  show->callback([&run, id] {
    run = [id](CommandContext& c) { return call_and_print(c, "reminder.show", {{"reminder", *id}}, print_one); };
  });

  auto* retry = reminder->add_subcommand("retry", "Try a failed reminder again now");
  retry->add_option("id", *id, "Reminder id")->required();
  retry->callback([&run, id] {
    run = [id](CommandContext& c) { return call_and_print(c, "reminder.retry", {{"reminder", *id}}, print_one); };
  });

  auto* resolve = reminder->add_subcommand("resolve", "Settle a held reminder: --sent or --resend");
  auto sent = std::make_shared<bool>(false);
  auto resend = std::make_shared<bool>(false);
  resolve->add_option("id", *id, "Reminder id")->required();
  auto* sent_flag = resolve->add_flag("--sent", *sent, "The provider has it (checked in its log)");
  resolve->add_flag("--resend", *resend, "Send it again (counted as a possible duplicate)")->excludes(sent_flag);
  resolve->callback([&run, id, sent, resend] {
    run = [id, sent, resend](CommandContext& c) {
      if (*sent == *resend) {
        c.err << "paminnactl: give --sent or --resend\n";
        return exit_code::usage;
      }
      return call_and_print(c, "reminder.resolve", {{"reminder", *id}, {"as", *sent ? "sent" : "resend"}}, print_one);
    };
  });

  auto* preview = reminder->add_subcommand("preview", "The text a booking's recipients would get; nothing is sent");
  auto booking = std::make_shared<std::int64_t>(0);
  auto kind = std::make_shared<std::string>("reminder");
  preview->add_option("booking", *booking, "Booking id")->required();
  preview->add_option("--kind", *kind, "reminder, moved or cancelled")
      ->check(CLI::IsMember({"reminder", "moved", "cancelled"}));
  preview->callback([&run, booking, kind] {
    run = [booking, kind](CommandContext& c) {
      return call_and_print(
          c, "reminder.preview", {{"booking", *booking}, {"kind", *kind}}, [](const json& r, std::ostream& out) {
            out << fmt::format("booking {} — {} — sender {}\n", text(r["booking"]), text(r["plan"]), text(r["sender"]));
            for (const auto& t : r["texts"]) {
              out << fmt::format("\nto {} ({}, {}, {} segment(s)):\n  {}\n", text(t["to"]), text(t["language"]),
                                 text(t["encoding"]), text(t["segments"]), text(t["text"]));
            }
            for (const auto& why : r["left_out"]) {
              out << "  no SMS: " << text(why) << "\n";
            }
          });
    };
  });

  auto* gateway = app.add_subcommand("gateway", "The SMS gateway");
  gateway->require_subcommand(1);
  gateway->add_subcommand("resume", "Resume sending after a pause (credentials or credit fixed)")->callback([&run] {
    run = [](CommandContext& c) {
      return call_and_print(c, "gateway.resume", json::object(),
                            [](const json&, std::ostream& out) { out << "gateway resumed\n"; });
    };
  });
}

}  // namespace paminna::ctl
