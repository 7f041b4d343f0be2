// metrics, backup, today: what operations and the front desk need (issue 9).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>

#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/table.h"

namespace paminna::ctl {

using nlohmann::json;

namespace {

// ANSI colour for people at a terminal only: never in a pipe, a file or under NO_COLOR (no-color.org).
struct Colour {
  bool on = false;
  [[nodiscard]] std::string wrap(const char* code, const std::string& s) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
  [[nodiscard]] std::string bold(const std::string& s) const { return wrap("1", s); }
  [[nodiscard]] std::string red(const std::string& s) const { return wrap("1;31", s); }
  [[nodiscard]] std::string green(const std::string& s) const { return wrap("32", s); }
  [[nodiscard]] std::string yellow(const std::string& s) const { return wrap("33", s); }
};

Colour colour_for_stdout() {
  const char* no_colour = std::getenv("NO_COLOR");  // NOLINT(concurrency-mt-unsafe): paminnactl has one thread
  return Colour{::isatty(STDOUT_FILENO) == 1 && (no_colour == nullptr || *no_colour == '\0')};
}

std::string clock_part(const json& local_time) {
  const auto s = text(local_time);
  return s.size() >= 16 ? s.substr(11, 5) : s;
}

std::string hours_words(const json& day) {
  std::string open;
  std::string internal;
  for (const auto& p : day.value("periods", json::array())) {
    const auto span = text(p["from"]) + "-" + text(p["to"]);
    if (text(p["status"]) == "open") {
      open += (open.empty() ? "" : ", ") + span;
    } else if (text(p["status"]) == "internal") {
      internal += (internal.empty() ? "" : ", ") + span;
    }
  }
  auto words = open.empty() ? std::string("closed all day") : "open " + open;
  if (!internal.empty()) {
    words += "; internal " + internal;
  }
  if (day["holiday"].is_string()) {
    words += " (" + text(day["holiday"]) + ")";
  }
  return words;
}

void print_bookings(const std::string& title, const json& rows, const Colour& colour, std::ostream& out) {
  out << "\n" << colour.bold(fmt::format("{} ({})", title, rows.size())) << "\n";
  if (rows.empty()) {
    out << "  no visits\n";
    return;
  }
  Table table({"TIME", "ID", "MIN", "STAFF", "CLIENT", "PLACE", "NY", "STATUS", "REMINDER"});
  for (const auto& b : rows) {
    table.add({clock_part(b["start_local"]), text(b["id"]), text(b["minutes"]), text(b["staff"]), text(b["client"]),
               text(b["place"]), b.value("first_visit", false) ? "NY" : "", text(b["status"]),
               text(b["reminder_state"])});
  }
  table.print(out);
}

void print_today(const json& r, std::ostream& out) {
  const auto colour = colour_for_stdout();
  const auto& phone = r["phone"];
  const auto status = text(phone["status"]);
  const auto status_text =
      status == "open" ? colour.green("OPEN") : colour.yellow(status == "closed" ? "CLOSED" : "INTERNAL");
  out << colour.bold(fmt::format("{} {}", text(r["today"]["weekday"]), text(r["today"]["date"]))) << " — phone "
      << status_text << " (" << text(phone["reason"]) << (phone["note"].is_string() ? ": " + text(phone["note"]) : "")
      << ")";
  if (phone["next_change_local"].is_string()) {
    out << fmt::format(", {} at {}", text(phone["next_status"]), clock_part(phone["next_change_local"]));
  }
  out << "\n  today's phone hours: " << hours_words(r["today"]) << "\n";
  print_bookings("Visits today", r["bookings_today"], colour, out);
  print_bookings("Visits tomorrow " + text(r["tomorrow"]["date"]), r["bookings_tomorrow"], colour, out);
  const auto& tasks = r["callbacks"];
  int overdue = 0;
  for (const auto& t : tasks) {
    overdue += t.value("overdue", false) ? 1 : 0;
  }
  out << "\n" << colour.bold(fmt::format("Callbacks ({} open{})", tasks.size(), overdue > 0 ? "" : ", none overdue"));
  if (overdue > 0) {
    out << " " << colour.red(fmt::format("{} OVERDUE", overdue));
  }
  out << "\n";
  if (tasks.empty()) {
    out << "  none\n";
    return;
  }
  // The daemon lists overdue first, then by deadline.
  Table table({"ID", "KIND", "STATE", "DEADLINE", "OWNER", "PHONE", "TRIES"});
  for (const auto& t : tasks) {
    table.add({text(t["id"]), text(t["kind"]), t.value("overdue", false) ? "OVERDUE" : text(t["state"]),
               local(t["deadline_local"]), text(t["owner"]), text(t["phone"]), text(t["attempts"])});
  }
  table.print(out);
}

// today: composed from phone.status, phone.week, booking.list and callback.list. Five small calls on a
// local socket cost nothing next to a person reading the result, and no daemon method has to know
// every module; --json prints the composed object.
int run_today(CommandContext& c) {
  auto call = [&c](const std::string& method, const json& params) -> tl::expected<json, CallError> {
    return c.client.call(method, params);
  };
  auto failed = [&c](const CallError& e) {
    c.err << "paminnactl: " << e.message << "\n";
    return e.exit_code;
  };
  const auto phone = call("phone.status", json{{"days", 1}});
  if (!phone) {
    return failed(phone.error());
  }
  const auto week = call("phone.week", json{{"days", 2}});
  if (!week) {
    return failed(week.error());
  }
  const auto& days = (*week)["days"];
  if (!days.is_array() || days.size() < 2) {
    c.err << "paminnactl: phone.week did not return two days\n";
    return exit_code::protocol;
  }
  json bookings[2];
  for (std::size_t i = 0; i < 2; ++i) {
    const auto list = call("booking.list", json{{"day", days[i]["date"]}});
    if (!list) {
      return failed(list.error());
    }
    bookings[i] = (*list)["bookings"];
  }
  const auto callbacks = call("callback.list", json::object());
  if (!callbacks) {
    return failed(callbacks.error());
  }
  json phone_view = *phone;
  phone_view.erase("changes");
  const json result{{"today", days[0]},
                    {"tomorrow", days[1]},
                    {"phone", phone_view},
                    {"bookings_today", bookings[0]},
                    {"bookings_tomorrow", bookings[1]},
                    {"callbacks", (*callbacks)["tasks"]}};
  if (c.json) {
    c.out << result.dump(2) << "\n";
  } else {
    print_today(result, c.out);
  }
  return exit_code::ok;
}

}  // namespace

void add_ops_commands(CLI::App& app, Runner& run) {
  app.add_subcommand("metrics", "Print the daemon's metrics in the Prometheus text format")->callback([&run] {
    run = [](CommandContext& c) {
      return call_and_print(c, "metrics", json::object(),
                            [](const json& r, std::ostream& out) { out << text(r["text"]); });
    };
  });

  struct BackupOptions {
    std::string file;
    bool overwrite = false;
  };
  auto backup_o = std::make_shared<BackupOptions>();
  auto* backup = app.add_subcommand(
      "backup", "Write a consistent copy of the database to FILE while the daemon runs (the daemon writes it, 0600)");
  backup->add_option("file", backup_o->file, "Where to write the copy; a folder the daemon's user may write in")
      ->required();
  backup->add_flag("--overwrite", backup_o->overwrite, "Replace FILE if it exists");
  backup->callback([&run, backup_o] {
    run = [backup_o](CommandContext& c) {
      // The daemon has its own working directory: send the path as this shell means it.
      std::error_code ec;
      const auto absolute = std::filesystem::absolute(backup_o->file, ec);
      if (ec) {
        c.err << "paminnactl: file: " << ec.message() << "\n";
        return exit_code::usage;
      }
      json params{{"path", absolute.lexically_normal().string()}};
      if (backup_o->overwrite) {
        params["overwrite"] = true;
      }
      return call_and_print(c, "store.backup", params, [](const json& r, std::ostream& out) {
        out << fmt::format("backup written to {}: {} pages, {} bytes, integrity {}\n", text(r["path"]),
                           text(r["pages"]), text(r["bytes"]), text(r["integrity"]));
      });
    };
  });

  app.add_subcommand("today", "The day at a glance: phone now and today's hours, visits today and tomorrow, callbacks")
      ->callback([&run] { run = [](CommandContext& c) { return run_today(c); }; });
}

}  // namespace paminna::ctl
