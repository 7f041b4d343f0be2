// booking add/move/cancel/reassign/mark/show/list: the calendar, the way staff talk about it.
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

std::string clock_part(const json& value) {
  const auto s = text(value);
  return s.size() == 16 ? s.substr(11) : s;
}

std::string interpreter(const json& b) {
  const auto& i = b["interpreter"];
  if (i.is_null()) {
    return "";
  }
  return i["booking"].is_null() ? text(i["language"]) : fmt::format("{} ({})", text(i["language"]), text(i["booking"]));
}

std::string consent(const json& b) {
  const auto& c = b["consent_sms"];
  if (c.is_null()) {
    return "-";
  }
  return c.value("complete", false) ? "yes" : "NO";
}

void print_warnings(const json& r, std::ostream& out) {
  if (r.contains("warnings")) {
    for (const auto& w : r["warnings"]) {
      out << "warning: " << text(w["message"]) << "\n";
    }
  }
  if (r.contains("follow_up")) {
    out << "to do: " << text(r["follow_up"]) << "\n";
  }
}

void print_booking(const json& r, std::ostream& out) {
  const auto& b = r["booking"];
  Table table({"", ""});
  table.add({"booking", text(b["id"])});
  table.add({"client", text(b["client"])});
  table.add(
      {"when", fmt::format("{}–{} ({} min)", local(b["start_local"]), clock_part(b["end_local"]), text(b["minutes"]))});
  table.add({"staff", text(b["staff"])});
  table.add({"place", text(b["place"])});
  table.add({"first visit (NY)", b.value("first_visit", false) ? "yes" : "no"});
  const auto i = interpreter(b);
  table.add({"interpreter", i.empty() ? "-" : i});
  table.add({"status", text(b["status"])});
  if (!b["cancel_reason"].is_null()) {
    table.add({"cancel reason", text(b["cancel_reason"])});
  }
  table.add({"consent (SMS)", b["consent_sms"].is_null() ? "-" : text(b["consent_sms"]["summary"])});
  table.add({"reminder", text(b["reminder_state"])});
  std::ostringstream body;
  table.print(body);
  const auto s = body.str();
  out << s.substr(s.find('\n') + 1);
  if (r.contains("from_local")) {
    out << "moved from " << local(r["from_local"]) << "\n";
  }
  print_warnings(r, out);
}

void print_list(const json& r, std::ostream& out) {
  const auto& rows = r["bookings"];
  const bool week = r.value("days", 1) > 1;
  out << (week ? "week from " : "") << local(r["from_local"]).substr(0, 10) << ": " << rows.size()
      << (rows.size() == 1 ? " booking" : " bookings") << "\n";
  if (rows.empty()) {
    return;
  }
  Table table({"ID", week ? "WHEN" : "TIME", "MIN", "STAFF", "CLIENT", "PLACE", "NY", "INTERPRETER", "STATUS",
               "CONSENT", "REMINDER"});
  for (const auto& b : rows) {
    table.add({text(b["id"]), week ? local(b["start_local"]) : clock_part(b["start_local"]), text(b["minutes"]),
               text(b["staff"]), text(b["client"]), text(b["place"]), b.value("first_visit", false) ? "NY" : "",
               interpreter(b), text(b["status"]), consent(b), text(b["reminder_state"])});
  }
  table.print(out);
}

struct AddOptions {
  std::string client, at, staff, place, interpreter, interpreter_booking;
  int minutes = 0;
  bool first_visit = false;
};

struct ChangeOptions {
  std::int64_t id = 0;
  std::string at, reason, staff, outcome;
  int minutes = 0;
};

struct ListOptions {
  std::string day, week, staff, client;
  bool all = false;
};

}  // namespace

void add_booking_commands(CLI::App& app, Runner& run) {
  auto* booking = app.add_subcommand("booking", "Visits: add, move, cancel, reassign, mark, show, list");
  booking->require_subcommand(1);

  {
    auto o = std::make_shared<AddOptions>();
    auto* cmd = booking->add_subcommand("add", "Book a visit (warns beyond 14 days and on overlap; refuses the past)");
    cmd->add_option("--client", o->client, "Case reference, e.g. K-2026-0042")->required();
    cmd->add_option("--at", o->at, "Local start time \"YYYY-MM-DD HH:MM\"")->required();
    cmd->add_option("--staff", o->staff, "Owner's initials, e.g. AL")->required();
    cmd->add_option("--minutes", o->minutes, "Length in minutes (default from config, 60)")->check(CLI::Range(5, 480));
    cmd->add_option("--place", o->place, "office, phone or home (default office)")
        ->check(CLI::IsMember({"office", "phone", "home"}));
    cmd->add_flag("--new", o->first_visit, "First visit (NY)");
    cmd->add_option("--interpreter", o->interpreter, "Interpreter's language, e.g. arabiska");
    cmd->add_option("--interpreter-booking", o->interpreter_booking, "Interpreter booking number");
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        json params{{"client", o->client}, {"at", o->at}, {"staff", o->staff}, {"first_visit", o->first_visit}};
        if (o->minutes > 0) {
          params["minutes"] = o->minutes;
        }
        if (!o->place.empty()) {
          params["place"] = o->place;
        }
        if (!o->interpreter.empty()) {
          params["interpreter"] = o->interpreter;
        }
        if (!o->interpreter_booking.empty()) {
          params["interpreter_booking"] = o->interpreter_booking;
        }
        return call_and_print(c, "booking.add", params, print_booking);
      };
    });
  }
  {
    auto o = std::make_shared<ChangeOptions>();
    auto* cmd = booking->add_subcommand("move", "Move a visit to another time");
    cmd->add_option("id", o->id, "Booking id")->required();
    cmd->add_option("--at", o->at, "New local start time \"YYYY-MM-DD HH:MM\"")->required();
    cmd->add_option("--minutes", o->minutes, "New length in minutes")->check(CLI::Range(5, 480));
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        json params{{"booking", o->id}, {"at", o->at}};
        if (o->minutes > 0) {
          params["minutes"] = o->minutes;
        }
        return call_and_print(c, "booking.move", params, print_booking);
      };
    });
  }
  {
    auto o = std::make_shared<ChangeOptions>();
    auto* cmd = booking->add_subcommand("cancel", "Cancel a visit");
    cmd->add_option("id", o->id, "Booking id")->required();
    cmd->add_option("--reason", o->reason, "Why, e.g. \"client called in sick\"")->required();
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        return call_and_print(c, "booking.cancel", json{{"booking", o->id}, {"reason", o->reason}}, print_booking);
      };
    });
  }
  {
    auto o = std::make_shared<ChangeOptions>();
    auto* cmd = booking->add_subcommand("reassign", "Give a visit to another staff member");
    cmd->add_option("id", o->id, "Booking id")->required();
    cmd->add_option("--staff", o->staff, "New owner's initials")->required();
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        return call_and_print(c, "booking.reassign", json{{"booking", o->id}, {"staff", o->staff}}, print_booking);
      };
    });
  }
  {
    auto o = std::make_shared<ChangeOptions>();
    auto* cmd = booking->add_subcommand("mark", "Mark a visit attended or no-show");
    cmd->add_option("id", o->id, "Booking id")->required();
    cmd->add_option("outcome", o->outcome, "attended or no-show")
        ->required()
        ->check(CLI::IsMember({"attended", "no-show"}));
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        return call_and_print(c, "booking.mark", json{{"booking", o->id}, {"outcome", o->outcome}}, print_booking);
      };
    });
  }
  {
    auto o = std::make_shared<ChangeOptions>();
    auto* cmd = booking->add_subcommand("show", "Show one visit with its consent and reminder state");
    cmd->add_option("id", o->id, "Booking id")->required();
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        return call_and_print(c, "booking.show", json{{"booking", o->id}}, print_booking);
      };
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    auto* cmd = booking->add_subcommand("list", "The calendar: a day (default today) or a week");
    auto* day = cmd->add_option("--day", o->day, "Day YYYY-MM-DD");
    cmd->add_option("--week", o->week, "Any day YYYY-MM-DD of the week (Monday–Sunday)")->excludes(day);
    cmd->add_option("--staff", o->staff, "Only this staff member's visits");
    cmd->add_option("--client", o->client, "Only this client's visits");
    cmd->add_flag("--all", o->all, "Include cancelled visits");
    cmd->callback([&run, o] {
      run = [o](CommandContext& c) {
        json params = json::object();
        if (!o->day.empty()) {
          params["day"] = o->day;
        }
        if (!o->week.empty()) {
          params["week"] = o->week;
        }
        if (!o->staff.empty()) {
          params["staff"] = o->staff;
        }
        if (!o->client.empty()) {
          params["client"] = o->client;
        }
        if (o->all) {
          params["all"] = true;
        }
        return call_and_print(c, "booking.list", params, print_list);
      };
    });
  }
}

}  // namespace paminna::ctl
