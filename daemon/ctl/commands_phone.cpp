// phone status|week|close|open|clear, staff absent|present|list.
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/table.h"

namespace paminna::ctl {

using nlohmann::json;

namespace {

std::string state_words(const json& status, const json& reason, const json& note) {
  auto words = text(status);
  if (text(reason) != "hours") {
    words += " (" + text(reason) + (note.is_string() ? ": " + text(note) : "") + ")";
  } else if (note.is_string()) {
    words += " (" + text(note) + ")";
  }
  return words;
}

void print_status(const json& r, std::ostream& out) {
  out << fmt::format("phone: {}\n", state_words(r["status"], r["reason"], r["note"]));
  if (r["since_local"].is_string()) {
    out << fmt::format("  since {}\n", local(r["since_local"]));
  }
  if (r["next_change_local"].is_string()) {
    out << fmt::format("  next  {} -> {}\n", local(r["next_change_local"]), text(r["next_status"]));
  }
  if (r.contains("roster") && !r["roster"].empty()) {
    const auto& available = r["available_staff"];
    std::string names;
    for (const auto& name : available) {
      names += (names.empty() ? "" : ", ") + text(name);
    }
    out << fmt::format("  staff available: {}\n", names.empty() ? "nobody" : names);
  }
  for (const auto& o : r.value("overrides", json::array())) {
    out << fmt::format("  override: {} until {} — {}{}\n", text(o["status"]), local(o["until_local"]), text(o["note"]),
                       o["actor"].is_string() ? " (" + text(o["actor"]) + ")" : "");
  }
  if (!r.value("changes", json::array()).empty()) {
    out << "\n";
    Table table({"WHEN", "STATUS", "REASON"});
    for (const auto& c : r["changes"]) {
      table.add({local(c["at_local"]), text(c["status"]),
                 text(c["reason"]) + (c["note"].is_string() ? ": " + text(c["note"]) : "")});
    }
    table.print(out);
  }
}

void print_week(const json& r, std::ostream& out) {
  Table table({"DAY", "DATE", "OPEN", "INTERNAL", "NOTE"});
  for (const auto& day : r["days"]) {
    std::string open;
    std::string internal;
    std::string note = day["holiday"].is_string() ? text(day["holiday"]) : "";
    for (const auto& p : day["periods"]) {
      const auto span = text(p["from"]) + "-" + text(p["to"]);
      const auto status = text(p["status"]);
      if (status == "open") {
        open += (open.empty() ? "" : ", ") + span;
      } else if (status == "internal") {
        internal += (internal.empty() ? "" : ", ") + span;
      }
      // The holiday's name is already there; a closed date says its note; a manual
      // override or missing staff says when.
      const auto reason = text(p["reason"]);
      std::string what;
      if (reason == "closed_date") {
        what = p["note"].is_string() ? text(p["note"]) : "closed";
      } else if (reason == "override" || reason == "no_staff") {
        what = fmt::format("{} {} {}{}", status, span, reason, p["note"].is_string() ? ": " + text(p["note"]) : "");
      }
      if (!what.empty() && note.find(what) == std::string::npos) {
        note += (note.empty() ? "" : "; ") + what;
      }
    }
    table.add({text(day["weekday"]).substr(0, 3), text(day["date"]), open.empty() ? "closed" : open,
               internal.empty() ? "-" : internal, note.empty() ? "" : note});
  }
  table.print(out);
  out << "times in " << text(r["timezone"]) << "\n";
}

void print_staff(const json& r, std::ostream& out) {
  if (!r.value("tracked", false)) {
    out << "no phone roster configured (phone.roster): presence is not tracked\n";
    return;
  }
  Table table({"STAFF", "AVAILABLE", "ABSENT UNTIL", "REASON"});
  for (const auto& s : r["staff"]) {
    const auto& a = s["absence"];
    std::string until;
    if (a.is_object()) {
      until = a["until_local"].is_string() ? local(a["until_local"]) : "further notice";
      if (!a.value("current", true)) {
        until = fmt::format("from {} to {}", local(a["from_local"]), until);
      }
    }
    table.add(
        {text(s["staff"]), s.value("available", false) ? "yes" : "no", until, a.is_object() ? text(a["note"]) : ""});
  }
  table.print(out);
}

struct SetOptions {
  std::string until;
  std::string reason;
};

void add_set(CLI::App& phone, Runner& run, const std::string& name, const std::string& status,
             const std::string& help) {
  auto* cmd = phone.add_subcommand(name, help);
  auto options = std::make_shared<SetOptions>();
  cmd->add_option("--until", options->until, "HH:MM today or \"YYYY-MM-DD HH:MM\"; default: the next scheduled change");
  cmd->add_option("--reason", options->reason, "Why, for colleagues (\"APT-möte\")")->required();
  cmd->callback([&run, options, status] {
    run = [options, status](CommandContext& c) {
      json params{{"status", status}, {"reason", options->reason}};
      if (!options->until.empty()) {
        params["until"] = options->until;
      }
      return call_and_print(c, "phone.set", params, print_status);
    };
  });
}

}  // namespace

void add_phone_commands(CLI::App& app, Runner& run) {
  auto* phone = app.add_subcommand("phone", "The office phone: state, hours, manual open/close (R6, R7)");
  phone->require_subcommand(1);

  auto days = std::make_shared<int>(7);
  auto* status = phone->add_subcommand("status", "Open, closed or internal now, and the coming changes");
  status->add_option("--days", *days, "How many days of changes to list")->check(CLI::Range(1, 31));
  status->callback([&run, days] {
    run = [days](CommandContext& c) { return call_and_print(c, "phone.status", json{{"days", *days}}, print_status); };
  });

  auto from = std::make_shared<std::string>();
  auto* week = phone->add_subcommand("week", "The week's phone hours as a table, per day");
  week->add_option("--from", *from, "First day, YYYY-MM-DD (default today)");
  week->callback([&run, from] {
    run = [from](CommandContext& c) {
      json params = json::object();
      if (!from->empty()) {
        params["from"] = *from;
      }
      return call_and_print(c, "phone.week", params, print_week);
    };
  });

  add_set(*phone, run, "close", "closed", "Switch the phone off (the whole group is busy) until a time");
  add_set(*phone, run, "open", "open", "Switch the phone on outside the hours until a time");

  phone->add_subcommand("clear", "End the manual override: back to the schedule")->callback([&run] {
    run = [](CommandContext& c) { return call_and_print(c, "phone.clear", json::object(), print_status); };
  });

  auto* staff = app.add_subcommand("staff", "Who answers the phone (R7)");
  staff->require_subcommand(1);

  struct Absent {
    std::string staff;
    std::string until;
    std::string from;
    std::string reason;
  };
  auto absent = std::make_shared<Absent>();
  auto* absent_cmd = staff->add_subcommand("absent", "Mark a colleague absent (sick, course)");
  absent_cmd->add_option("staff", absent->staff, "Roster id (initials)")->required();
  absent_cmd->add_option("--until", absent->until, "HH:MM today or \"YYYY-MM-DD HH:MM\"; default: until present");
  absent_cmd->add_option("--from", absent->from, "Planned absence: HH:MM today or \"YYYY-MM-DD HH:MM\"");
  absent_cmd->add_option("--reason", absent->reason, "Why (\"sjuk\")");
  absent_cmd->callback([&run, absent] {
    run = [absent](CommandContext& c) {
      json params{{"staff", absent->staff}};
      for (const auto& [key, value] :
           {std::pair{"until", absent->until}, std::pair{"from", absent->from}, std::pair{"reason", absent->reason}}) {
        if (!value.empty()) {
          params[key] = value;
        }
      }
      return call_and_print(c, "staff.absent", params, print_staff);
    };
  });

  auto present = std::make_shared<std::string>();
  auto* present_cmd = staff->add_subcommand("present", "A colleague is back");
  present_cmd->add_option("staff", *present, "Roster id (initials)")->required();
  present_cmd->callback([&run, present] {
    run = [present](CommandContext& c) {
      return call_and_print(c, "staff.present", json{{"staff", *present}}, print_staff);
    };
  });

  staff->add_subcommand("list", "The roster and who is absent")->callback([&run] {
    run = [](CommandContext& c) { return call_and_print(c, "staff.list", json::object(), print_staff); };
  });
}

}  // namespace paminna::ctl
