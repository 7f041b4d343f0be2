// Writes the systemd journal catalog (paminna.catalog) from daemon/log/events.def,
// so `journalctl -x` explains every paminna event with its meaning and the
// operator's action. Generated at build time: the catalog cannot drift from the
// events the daemon logs. Format: systemd's catalog files (`man journalctl`,
// "Message Catalog"), one entry per MESSAGE_ID.
//
// Usage: paminna_journal_catalog OUTPUT
#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

namespace {

struct Entry {
  std::string_view name;
  std::string_view level;
  std::string_view message_id;
  std::string_view meaning;
  std::string_view action;
};

// Only the preprocessor reads events.def here, so this tool needs neither
// spdlog nor the daemon's libraries.
constexpr std::array kEntries{
#define EVENT(name, level, id, meaning, action) Entry{#name, #level, id, meaning, action},
#include "log/events.def"
#undef EVENT
};

// The subject is the meaning's first clause: journalctl shows it as a title.
std::string subject(std::string_view meaning) {
  auto end = meaning.find("; ");
  if (const auto stop = meaning.find(". "); stop < end) {
    end = stop;
  }
  auto text = std::string(meaning.substr(0, end));
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Wraps at 76 columns for `journalctl -x`, which prints the body as written.
// A line must not start with "-- " (that would be read as a new entry).
void write_wrapped(std::ostream& out, std::string_view text) {
  constexpr std::size_t width = 76;
  std::string line;
  while (!text.empty()) {
    const auto space = text.find(' ');
    const auto word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out << line << '\n';
      line.clear();
    }
    if (!line.empty()) {
      line += ' ';
    } else if (word == "--") {
      line += ' ';
    }
    line += word;
  }
  if (!line.empty()) {
    out << line << '\n';
  }
}

// Levels named as the journal's PRIORITY names them.
std::string_view priority(std::string_view level) {
  if (level == "critical") {
    return "crit";
  }
  if (level == "error") {
    return "err";
  }
  if (level == "warn") {
    return "warning";
  }
  return level;
}

void write_entry(std::ostream& out, const Entry& e) {
  out << "-- " << e.message_id << '\n'
      << "Subject: " << e.name << ": " << subject(e.meaning) << '\n'
      << "Defined-By: paminna\n"
      << "Support: man:paminnad(8)\n"
      << "Documentation: file:/usr/share/doc/paminna/README.md\n"
      << '\n'
      << "paminnad logged PAMINNA_EVENT=" << e.name << " at priority " << priority(e.level) << ".\n\n";
  write_wrapped(out, e.meaning);
  out << '\n';
  write_wrapped(out, std::string("Operator action: ") + std::string(e.action));
  out << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: paminna_journal_catalog OUTPUT\n";
    return 2;
  }
  std::ofstream out(argv[1], std::ios::trunc);
  out << "# paminna's log events for the systemd journal catalog (journalctl -x).\n"
         "# Generated from daemon/log/events.def at build time: do not edit.\n\n";
  for (const auto& e : kEntries) {
    write_entry(out, e);
  }
  out.close();
  if (!out) {
    std::cerr << "paminna_journal_catalog: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
