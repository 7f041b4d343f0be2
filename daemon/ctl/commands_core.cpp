// status, log-level, reload, methods, call.
#include <fmt/format.h>

#include <functional>
#include <ostream>
#include <sstream>

#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/table.h"

namespace paminna::ctl {

using nlohmann::json;

int call_and_print(CommandContext& context, const std::string& method, json params, const Printer& print) {
  if (context.actor && params.is_object()) {
    params["actor"] = *context.actor;
  }
  auto result = context.client.call(method, params);
  if (!result) {
    context.err << "paminnactl: " << result.error().message << "\n";
    return result.error().exit_code;
  }
  if (context.json) {
    context.out << result->dump(2) << "\n";
  } else {
    print(*result, context.out);
  }
  return exit_code::ok;
}

namespace {

std::string human_bytes(std::int64_t bytes) {
  if (bytes >= 10LL << 20) {
    return fmt::format("{} MiB", bytes >> 20);
  }
  if (bytes >= 10LL << 10) {
    return fmt::format("{} KiB", bytes >> 10);
  }
  return fmt::format("{} B", bytes);
}

std::string human_duration(std::int64_t seconds) {
  if (seconds >= 86400) {
    return fmt::format("{}d {}h", seconds / 86400, (seconds % 86400) / 3600);
  }
  if (seconds >= 3600) {
    return fmt::format("{}h {}m", seconds / 3600, (seconds % 3600) / 60);
  }
  return fmt::format("{}m {}s", seconds / 60, seconds % 60);
}

void print_status(const json& r, std::ostream& out) {
  out << fmt::format("paminnad {} — {} — {}\n", text(r["version"]), text(r["office"]),
                     r.value("healthy", false) ? "healthy" : "NOT HEALTHY");
  Table table({"", ""});
  table.add({"uptime", human_duration(r.value("uptime_s", 0))});
  table.add({"now", fmt::format("{} ({})", text(r["now_local"]), text(r["timezone"]))});
  const auto& db = r["database"];
  table.add({"database", fmt::format("{} ({}, schema {})", text(db["path"]), human_bytes(db.value("size_bytes", 0)),
                                     text(db["schema_version"]))});
  table.add({"config", text(r["config"])});
  table.add({"log level", text(r["log_level"])});
  const auto& control = r["control"];
  table.add({"control", fmt::format("{} ({} connected, {} requests)", text(control["endpoint"]),
                                    text(control["connections"]), text(control["requests"]))});
  const auto& scheduler = r["scheduler"];
  table.add(
      {"scheduled", fmt::format("{} pending, next {}", text(scheduler["pending"]), text(scheduler["next_due_utc"]))});
  // Sections added by modules print as "section.key  value" lines without code here.
  std::function<void(const std::string&, const json&)> flatten = [&](const std::string& prefix, const json& value) {
    if (value.is_object() && !value.empty()) {
      for (const auto& [sub, v] : value.items()) {
        flatten(fmt::format("{}.{}", prefix, sub), v);
      }
    } else {
      table.add({prefix, text(value)});
    }
  };
  for (const auto& [key, value] : r.items()) {
    if (value.is_object() && key != "database" && key != "control" && key != "scheduler") {
      flatten(key, value);
    }
  }
  std::ostringstream body;
  table.print(body);
  // Drop the empty header line of a two-column key/value table.
  const auto s = body.str();
  out << s.substr(s.find('\n') + 1);
  if (r.contains("problems")) {
    for (const auto& problem : r["problems"]) {
      out << "  ! " << text(problem) << "\n";
    }
  }
}

}  // namespace

void add_core_commands(CLI::App& app, Runner& run) {
  app.add_subcommand("status", "Is the daemon running and healthy? (exit 3 when not running)")->callback([&run] {
    run = [](CommandContext& c) { return call_and_print(c, "status", json::object(), print_status); };
  });

  auto* level = app.add_subcommand("log-level", "Show or set the daemon's log level");
  auto level_value = std::make_shared<std::string>();
  level->add_option("level", *level_value, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  level->callback([&run, level_value] {
    run = [level_value](CommandContext& c) {
      json params = json::object();
      if (!level_value->empty()) {
        params["level"] = *level_value;
      }
      return call_and_print(c, "log.level", params,
                            [](const json& r, std::ostream& out) { out << "log level: " << text(r["level"]) << "\n"; });
    };
  });

  app.add_subcommand("reload", "Re-read the configuration file (an invalid file keeps the running one)")
      ->callback([&run] {
        run = [](CommandContext& c) {
          return call_and_print(c, "config.reload", json::object(), [](const json& r, std::ostream& out) {
            out << "configuration reloaded from " << text(r["file"]) << "\n";
          });
        };
      });

  app.add_subcommand("methods", "List the methods the daemon answers")->callback([&run] {
    run = [](CommandContext& c) {
      return call_and_print(c, "help", json::object(), [](const json& r, std::ostream& out) {
        Table table({"METHOD", "CHANGES", "SUMMARY"});
        for (const auto& m : r["methods"]) {
          table.add({text(m["method"]), m.value("changes_state", false) ? "yes" : "", text(m["summary"])});
        }
        table.print(out);
      });
    };
  });

  auto* call = app.add_subcommand("call", "Call any method with JSON params (for scripts; prints JSON)");
  auto method = std::make_shared<std::string>();
  auto params_text = std::make_shared<std::string>("{}");
  call->add_option("method", *method, "Method name, e.g. status")->required();
  call->add_option("params", *params_text, "Params as a JSON object");
  call->callback([&run, method, params_text] {
    run = [method, params_text](CommandContext& c) {
      json params;
      try {
        params = json::parse(*params_text);
      } catch (const json::exception&) {  // parse_error, or out_of_range for a number like 1e400
        c.err << "paminnactl: params is not valid JSON\n";
        return exit_code::usage;
      }
      return call_and_print(c, *method, params, [](const json& r, std::ostream& out) { out << r.dump(2) << "\n"; });
    };
  });
}

}  // namespace paminna::ctl
