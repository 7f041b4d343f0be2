// voicemail.add/rescan, callback.list/show/take/attempt/close/summary, contact.open (R5, R8).

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "control/params.h"
#include "domain/booking_rules.h"
#include "domain/phone_number.h"
#include "service/callback_service.h"
#include "service/office_common.h"

namespace paminna {

using control::CallContext;
using control::Params;
using control::RpcError;
using nlohmann::json;

namespace {

constexpr std::int64_t kMaxId = office::kMaxId;
constexpr std::size_t kMaxNote = 300;

std::string staff_or_throw(const std::string& field, const std::string& text) {
  auto staff = normalise_staff(text);
  if (!staff) {
    throw RpcError::invalid_params(field, staff.error());
  }
  return *staff;
}

// Any valid number (a caller may ring from a fixed line), or "withheld".
std::optional<std::string> caller_or_throw(const std::string& field, const std::string& text,
                                           const std::string& region) {
  if (text == "withheld") {
    return std::nullopt;
  }
  auto number = parse_phone_number(text, region);
  if (!number) {
    // The number itself is not repeated: error texts may end up in logs.
    throw RpcError::invalid_params(field, "is not a valid phone number (or \"withheld\")");
  }
  return number->e164;
}

json task_view(CallbackService& service, const store::TaskRecord& t, bool reveal, Instant now, bool details) {
  const auto& zone = service.zone();
  json view{{"id", t.id},
            {"kind", to_string(t.kind)},
            {"state", to_string(t.state)},
            {"phone", t.phone ? json(reveal ? *t.phone : mask_phone(*t.phone)) : json("withheld")},
            {"owner", t.owner ? json(*t.owner) : json(nullptr)},
            {"overdue", t.state != TaskState::closed && t.state != TaskState::letter_due && t.deadline <= now},
            {"outcome", t.outcome ? json(*t.outcome) : json(nullptr)}};
  if (t.person_ref) {
    view["person"] = *t.person_ref;
  }
  if (t.language) {
    view["language"] = *t.language;
  }
  view.update(office::time_pair(zone, "deadline", t.deadline));
  view.update(office::time_pair(zone, "opened", t.opened_at));
  auto& store = service.store();
  view["attempts"] = static_cast<std::int64_t>(store.attempts(t.id).size());
  view["messages"] = static_cast<std::int64_t>(store.voicemails(t.id).size());
  if (!details) {
    return view;
  }
  view["note"] = t.note ? json(*t.note) : json(nullptr);
  if (t.closed_at) {
    view.update(office::time_pair(zone, "closed", *t.closed_at));
  }
  if (t.thinking_since) {
    view.update(office::time_pair(zone, "thinking_since", *t.thinking_since));
  }
  json messages = json::array();
  for (const auto& v : store.voicemails(t.id)) {
    json m{{"mailbox", v.mailbox ? json(*v.mailbox) : json(nullptr)},
           {"msg_id", v.msg_id ? json(*v.msg_id) : json(nullptr)},
           {"note", v.note ? json(*v.note) : json(nullptr)}};
    m.update(office::time_pair(zone, "received", v.received_at));
    messages.push_back(m);
  }
  view["voicemails"] = messages;
  json attempts = json::array();
  for (const auto& a : store.attempts(t.id)) {
    json m{{"outcome", a.outcome},
           {"note", a.note ? json(*a.note) : json(nullptr)},
           {"actor", a.actor ? json(*a.actor) : json(nullptr)}};
    m.update(office::time_pair(zone, "at", a.at));
    attempts.push_back(m);
  }
  view["attempt_list"] = attempts;
  return view;
}

json summary_json(const CallbackSummary& s) {
  return json{{"open", s.open},         {"due_today", s.due_today},
              {"overdue", s.overdue},   {"letters_due", s.letters_due},
              {"thinking", s.thinking}, {"unowned", s.unowned}};
}

}  // namespace

void register_callback_methods(control::MethodTable& m, const std::shared_ptr<CallbackService>& callbacks) {
  m.add(
      "voicemail.add",
      {"Register a voicemail: number (or \"withheld\"), received local time; opens or joins a callback task (R5).",
       true},
      [callbacks](const CallContext& who, const json& params) {
        Params p(params);
        const auto number = p.required_string("number", office::kMaxPhoneText);
        const auto received = p.optional_string("received", 20);
        const auto mailbox = p.optional_string("mailbox", 64);
        const auto note = p.optional_string("note", kMaxNote);
        p.finish();
        const auto& config = callbacks->config();
        VoicemailIn v;
        v.phone = caller_or_throw("number", number, config.office.region);
        v.received = callbacks->now();
        if (received) {
          auto local = parse_local_minutes(*received);
          if (!local) {
            throw RpcError::invalid_params("received", "must be YYYY-MM-DD HH:MM (local time)");
          }
          auto at = callbacks->zone().to_utc(*local);
          if (!at) {
            throw RpcError::invalid_params("received", std::string(to_string(at.error())) + " local time");
          }
          if (*at > callbacks->now()) {
            throw RpcError::invalid_params("received", "is in the future");
          }
          v.received = *at;
        }
        v.mailbox = mailbox;
        v.note = note;
        const auto result = callbacks->add_voicemail(who, v);
        auto task = callbacks->store().find_task(result.task);
        return json{{"task", task_view(*callbacks, *task, false, callbacks->now(), false)}, {"joined", result.joined}};
      });

  m.add("voicemail.rescan", {"Read the Asterisk spool folder now (for externnotify).", false},
        [callbacks](const CallContext&, const json& params) {
          Params p(params);
          p.finish();
          const auto files = callbacks->rescan();
          return json{{"watching", files.has_value()}, {"files", files ? json(*files) : json(0)}};
        });

  m.add("contact.open",
        {"Open an outgoing contact task (a police referral): person, number, language; R8 rules apply.", true},
        [callbacks](const CallContext& who, const json& params) {
          Params p(params);
          const auto ref = office::required_ref(p, "person");
          const auto number = p.optional_string("number", office::kMaxPhoneText);
          const auto language = p.optional_enum("language", {"sv", "en", "ar"});
          const auto note = p.optional_string("note", kMaxNote);
          p.finish();
          std::optional<std::string> phone;
          if (number) {
            phone = caller_or_throw("number", *number, callbacks->config().office.region);
            if (!phone) {
              throw RpcError::invalid_params("number", "an outgoing contact needs a number to call");
            }
          }
          const auto task = callbacks->open_contact(who, ref, phone, language.value_or("sv"), note);
          return json{{"task", task_view(*callbacks, task, false, callbacks->now(), false)}};
        });

  m.add("callback.list", {"Open tasks, overdue first then by deadline (numbers masked unless reveal).", false},
        [callbacks](const CallContext& who, const json& params) {
          Params p(params);
          const bool reveal = office::reveal_or_throw(p, who, callbacks->config().daemon.socket_group);
          const bool all = p.optional_bool("all", false);
          p.finish();
          const auto now = callbacks->now();
          auto tasks = all ? callbacks->store().recent_tasks(200) : callbacks->store().open_tasks();
          // Overdue first, then letters due, then by deadline.
          auto rank = [now](const store::TaskRecord& t) {
            if (t.state == TaskState::closed) {
              return 3;
            }
            if (t.state == TaskState::letter_due) {
              return 1;
            }
            return t.deadline <= now ? 0 : 2;
          };
          std::stable_sort(tasks.begin(), tasks.end(), [&](const auto& a, const auto& b) {
            return std::make_tuple(rank(a), a.deadline, a.id) < std::make_tuple(rank(b), b.deadline, b.id);
          });
          json list = json::array();
          for (const auto& t : tasks) {
            list.push_back(task_view(*callbacks, t, reveal, now, false));
          }
          return json{{"tasks", list}, {"timezone", callbacks->zone().name()}};
        });

  m.add("callback.show", {"One task with its voicemails and attempts.", false},
        [callbacks](const CallContext& who, const json& params) {
          Params p(params);
          const auto id = p.required_int("id", 1, kMaxId);
          const bool reveal = office::reveal_or_throw(p, who, callbacks->config().daemon.socket_group);
          p.finish();
          auto task = callbacks->store().find_task(id);
          if (!task) {
            throw RpcError::not_found(fmt::format("task {}", id));
          }
          return json{{"task", task_view(*callbacks, *task, reveal, callbacks->now(), true)}};
        });

  m.add("callback.take", {"Take a task (owner initials), or hand it back to the group with owner \"-\".", true},
        [callbacks](const CallContext& who, const json& params) {
          Params p(params);
          const auto id = p.required_int("id", 1, kMaxId);
          auto owner_text = p.optional_string("owner", 8);
          p.finish();
          if (!owner_text) {
            owner_text = who.actor;
          }
          if (!owner_text) {
            throw RpcError::invalid_params("owner", "is required (or give --actor)");
          }
          std::optional<std::string> owner;
          if (*owner_text != "-") {
            owner = staff_or_throw("owner", *owner_text);
          }
          const auto task = callbacks->take(who, id, owner);
          return json{{"task", task_view(*callbacks, task, false, callbacks->now(), false)}};
        });

  m.add("callback.attempt",
        {"Record a call attempt: outcome no-answer|reached|wrong-number|thinking (R8: 3 attempts, one week).", true},
        [callbacks](const CallContext& who, const json& params) {
          Params p(params);
          const auto id = p.required_int("id", 1, kMaxId);
          const auto outcome_text = p.required_enum("outcome", {"no-answer", "reached", "wrong-number", "thinking"});
          const auto note = p.optional_string("note", kMaxNote);
          p.finish();
          const auto task = callbacks->attempt(who, id, *parse_attempt_outcome(outcome_text), note);
          return json{{"task", task_view(*callbacks, task, false, callbacks->now(), false)}};
        });

  m.add("callback.close",
        {"Close a task: outcome reached|letter-sent (closes as unreachable, R8)|wrong-number|declined|duplicate|other.",
         true},
        [callbacks](const CallContext& who, const json& params) {
          Params p(params);
          const auto id = p.required_int("id", 1, kMaxId);
          const auto outcome =
              p.required_enum("outcome", {"reached", "letter-sent", "wrong-number", "declined", "duplicate", "other"});
          const auto note = p.optional_string("note", kMaxNote);
          p.finish();
          const auto task = callbacks->close(who, id, outcome, note);
          return json{{"task", task_view(*callbacks, task, false, callbacks->now(), false)}};
        });

  m.add("callback.summary", {"Counts: open, due today, overdue, letters due (as the morning log line).", false},
        [callbacks](const CallContext&, const json& params) {
          Params p(params);
          p.finish();
          return json{{"summary", summary_json(callbacks->summary(callbacks->now()))}};
        });
}

}  // namespace paminna
