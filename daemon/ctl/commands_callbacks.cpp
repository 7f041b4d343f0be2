// callback list|show|take|attempt|close|summary, voicemail add|rescan, contact open (R5, R8).
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/table.h"

namespace paminna::ctl {

using nlohmann::json;

namespace {

void print_task(const json& t, std::ostream& out) {
  out << fmt::format("task {} ({}): {}{}\n", text(t["id"]), text(t["kind"]), text(t["state"]),
                     t.value("overdue", false) ? ", OVERDUE" : "");
  out << fmt::format("  phone    {}\n", text(t["phone"]));
  if (t.contains("person")) {
    out << fmt::format("  person   {} ({})\n", text(t["person"]), text(t["language"]));
  }
  out << fmt::format("  deadline {}\n  owner    {}\n", local(t["deadline_local"]), text(t["owner"]));
  out << fmt::format("  messages {}  attempts {}\n", text(t["messages"]), text(t["attempts"]));
  if (t["outcome"].is_string()) {
    out << fmt::format("  outcome  {}\n", text(t["outcome"]));
  }
  for (const auto& v : t.value("voicemails", json::array())) {
    out << fmt::format("  voicemail {}{}\n", local(v["received_local"]),
                       v["mailbox"].is_string() ? " in " + text(v["mailbox"]) : "");
  }
  for (const auto& a : t.value("attempt_list", json::array())) {
    out << fmt::format("  attempt  {} {}{}\n", local(a["at_local"]), text(a["outcome"]),
                       a["actor"].is_string() ? " (" + text(a["actor"]) + ")" : "");
  }
}

void print_one(const json& r, std::ostream& out) {
  print_task(r["task"], out);
}

void print_list(const json& r, std::ostream& out) {
  Table table({"ID", "KIND", "STATE", "DEADLINE", "OWNER", "PHONE", "MSGS", "TRIES"});
  for (const auto& t : r["tasks"]) {
    table.add({text(t["id"]), text(t["kind"]), t.value("overdue", false) ? "OVERDUE" : text(t["state"]),
               local(t["deadline_local"]), text(t["owner"]), text(t["phone"]), text(t["messages"]),
               text(t["attempts"])});
  }
  if (table.empty()) {
    out << "no open callback or contact tasks\n";
    return;
  }
  table.print(out);
}

void print_summary(const json& r, std::ostream& out) {
  const auto& s = r["summary"];
  out << fmt::format("open {}  due today {}  overdue {}  letters due {}  thinking {}  unowned {}\n", text(s["open"]),
                     text(s["due_today"]), text(s["overdue"]), text(s["letters_due"]), text(s["thinking"]),
                     text(s["unowned"]));
}

}  // namespace

void add_callback_commands(CLI::App& app, Runner& run) {
  auto* cb = app.add_subcommand("callback", "Callback and contact tasks: deadlines, attempts (R5, R8)");
  cb->require_subcommand(1);

  struct ListOptions {
    bool reveal = false;
    bool all = false;
  };
  auto list_o = std::make_shared<ListOptions>();
  auto* list = cb->add_subcommand("list", "Open tasks, overdue first, then by deadline");
  list->add_flag("--reveal", list_o->reveal, "Show full phone numbers (staff group only)");
  list->add_flag("--all", list_o->all, "Closed tasks too (the latest 200)");
  list->callback([&run, list_o] {
    run = [list_o](CommandContext& c) {
      json params = json::object();
      if (list_o->reveal) {
        params["reveal"] = true;
      }
      if (list_o->all) {
        params["all"] = true;
      }
      return call_and_print(c, "callback.list", params, print_list);
    };
  });

  struct ShowOptions {
    std::int64_t id = 0;
    bool reveal = false;
  };
  auto show_o = std::make_shared<ShowOptions>();
  auto* show = cb->add_subcommand("show", "One task with its voicemails and attempts");
  show->add_option("id", show_o->id, "Task id")->required();
  show->add_flag("--reveal", show_o->reveal, "Show the full phone number (staff group only)");
  show->callback([&run, show_o] {
    run = [show_o](CommandContext& c) {
      json params{{"id", show_o->id}};
      if (show_o->reveal) {
        params["reveal"] = true;
      }
      return call_and_print(c, "callback.show", params, print_one);
    };
  });

  struct TakeOptions {
    std::int64_t id = 0;
    std::string owner;
  };
  auto take_o = std::make_shared<TakeOptions>();
  auto* take = cb->add_subcommand("take", "Take a task (default: --actor), or --owner - to hand it back");
  take->add_option("id", take_o->id, "Task id")->required();
  take->add_option("--owner", take_o->owner, "Staff initials; \"-\" for the group");
  take->callback([&run, take_o] {
    run = [take_o](CommandContext& c) {
      json params{{"id", take_o->id}};
      if (!take_o->owner.empty()) {
        params["owner"] = take_o->owner;
      }
      return call_and_print(c, "callback.take", params, print_one);
    };
  });

  struct OutcomeOptions {
    std::int64_t id = 0;
    std::string outcome;
    std::string note;
  };
  auto attempt_o = std::make_shared<OutcomeOptions>();
  auto* attempt = cb->add_subcommand("attempt", "Record a call attempt (never leave a voicemail for a client, R8)");
  attempt->add_option("id", attempt_o->id, "Task id")->required();
  attempt->add_option("--outcome", attempt_o->outcome, "no-answer, reached, wrong-number or thinking")
      ->required()
      ->check(CLI::IsMember({"no-answer", "reached", "wrong-number", "thinking"}));
  attempt->add_option("--note", attempt_o->note, "A short note for colleagues");
  attempt->callback([&run, attempt_o] {
    run = [attempt_o](CommandContext& c) {
      json params{{"id", attempt_o->id}, {"outcome", attempt_o->outcome}};
      if (!attempt_o->note.empty()) {
        params["note"] = attempt_o->note;
      }
      return call_and_print(c, "callback.attempt", params, print_one);
    };
  });

  auto close_o = std::make_shared<OutcomeOptions>();
  auto* close = cb->add_subcommand("close", "Close a task");
  close->add_option("id", close_o->id, "Task id")->required();
  close
      ->add_option("--outcome", close_o->outcome,
                   "reached, letter-sent (closes as unreachable), wrong-number, declined, duplicate or other")
      ->required();
  close->add_option("--note", close_o->note, "A short note for colleagues");
  close->callback([&run, close_o] {
    run = [close_o](CommandContext& c) {
      json params{{"id", close_o->id}, {"outcome", close_o->outcome}};
      if (!close_o->note.empty()) {
        params["note"] = close_o->note;
      }
      return call_and_print(c, "callback.close", params, print_one);
    };
  });

  cb->add_subcommand("summary", "Open, due today, overdue, letters due")->callback([&run] {
    run = [](CommandContext& c) { return call_and_print(c, "callback.summary", json::object(), print_summary); };
  });

  auto* vm = app.add_subcommand("voicemail", "Voicemails that need a call back (R5)");
  vm->require_subcommand(1);
  struct VoicemailOptions {
    std::string number;
    std::string received;
    std::string mailbox;
    std::string note;
  };
  auto vm_o = std::make_shared<VoicemailOptions>();
  auto* add = vm->add_subcommand("add", "Register a voicemail: opens a callback task or joins the caller's open one");
  add->add_option("number", vm_o->number, "The caller's number, or \"withheld\"")->required();
  add->add_option("--received", vm_o->received, "\"YYYY-MM-DD HH:MM\" local; default now");
  add->add_option("--mailbox", vm_o->mailbox, "Which voicemail box");
  add->add_option("--note", vm_o->note, "A short note (no sensitive content)");
  add->callback([&run, vm_o] {
    run = [vm_o](CommandContext& c) {
      json params{{"number", vm_o->number}};
      if (!vm_o->received.empty()) {
        params["received"] = vm_o->received;
      }
      if (!vm_o->mailbox.empty()) {
        params["mailbox"] = vm_o->mailbox;
      }
      if (!vm_o->note.empty()) {
        params["note"] = vm_o->note;
      }
      return call_and_print(c, "voicemail.add", params, [](const json& r, std::ostream& out) {
        out << (r.value("joined", false) ? "joined open task\n" : "opened task\n");
        print_one(r, out);
      });
    };
  });
  vm->add_subcommand("rescan", "Read the Asterisk spool folder now (for externnotify)")->callback([&run] {
    run = [](CommandContext& c) {
      return call_and_print(c, "voicemail.rescan", json::object(), [](const json& r, std::ostream& out) {
        out << (r.value("watching", false) ? fmt::format("read {} message files\n", text(r["files"]))
                                           : std::string("no spool folder configured (callbacks.asterisk_spool)\n"));
      });
    };
  });

  auto* contact = app.add_subcommand("contact", "Outgoing contact tasks (R8)");
  contact->require_subcommand(1);
  struct ContactOptions {
    std::string person;
    std::string number;
    std::string language = "sv";
    std::string note;
  };
  auto co = std::make_shared<ContactOptions>();
  auto* open = contact->add_subcommand("open", "Open a contact task for a person the office should reach");
  open->add_option("person", co->person, "Case reference (K-2026-0042)")->required();
  open->add_option("--number", co->number, "The number to call");
  open->add_option("--language", co->language, "sv, en or ar: the information letter's language")
      ->check(CLI::IsMember({"sv", "en", "ar"}));
  open->add_option("--note", co->note, "A short note");
  open->callback([&run, co] {
    run = [co](CommandContext& c) {
      json params{{"person", co->person}, {"language", co->language}};
      if (!co->number.empty()) {
        params["number"] = co->number;
      }
      if (!co->note.empty()) {
        params["note"] = co->note;
      }
      return call_and_print(c, "contact.open", params, print_one);
    };
  });
}

}  // namespace paminna::ctl
