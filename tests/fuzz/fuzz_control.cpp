// JSON-RPC control protocol: raw bytes -> LineFramer -> MethodTable::dispatch
// -> Params validation -> one response line, with no socket (issue #8).
//
// The input is what a peer writes on the control socket. It is fed to the
// framer in chunks whose sizes come from the input itself, every complete line
// is dispatched through a MethodTable with methods registered the way the
// service registers its own (sync, async, mutating, throwing, every Params
// reader), and each response is checked: valid JSON-RPC 2.0, at most one per
// request, none for a well-formed notification.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>
#include "control/framing.h"
#include "control/method_table.h"
#include "control/params.h"

namespace {

using nlohmann::json;
using paminna::control::CallContext;
using paminna::control::LineFramer;
using paminna::control::MethodTable;
using paminna::control::Params;
using paminna::control::Responder;
using paminna::control::RpcError;

constexpr std::size_t kMaxLine = 4096;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_control: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

MethodTable make_table() {
  MethodTable table;
  table.add("status", {"daemon status", false}, [](const CallContext& context, const json& params) {
    Params p(params);
    const bool verbose = p.optional_bool("verbose", false);
    p.finish();
    return json{{"verbose", verbose}, {"actor", context.actor.value_or("")}};
  });
  // Like client.add: strings with limits, an enum, an int, free text.
  table.add("client.add", {"add a client", true}, [](const CallContext&, const json& params) {
    Params p(params);
    auto client = p.required_string("client", 64);
    auto phone = p.optional_string("phone", 40);
    auto lang = p.optional_enum("lang", {"sv", "en", "ar"});
    auto born = p.optional_string("born", 10);
    auto guardians = p.optional_int("guardians", 0, 4);
    const bool protected_identity = p.optional_bool("protected_identity", false);
    p.finish();
    return json{
        {"client", client},          {"phone", phone.value_or("")},        {"lang", lang.value_or("sv")},
        {"born", born.value_or("")}, {"guardians", guardians.value_or(0)}, {"protected_identity", protected_identity}};
  });
  table.add("booking.list", {"list bookings", false}, [](const CallContext&, const json& params) {
    Params p(params);
    auto from = p.optional_int("from", INT64_MIN, INT64_MAX);
    auto limit = p.required_int("limit", 1, 1000);
    auto state = p.required_enum("state", {"booked", "cancelled", "done", "no_show"});
    p.finish();
    return json{{"from", from.value_or(0)}, {"limit", limit}, {"state", state}};
  });
  table.add("voicemail.add", {"register a voicemail", true}, [](const CallContext&, const json& params) {
    Params p(params);
    auto number = p.optional_string("number", 40);
    auto note = p.optional_string("note", 10);  // re-checked as multiline text below
    p.finish();
    if (note) {
      paminna::control::check_text("note", *note, 500, true);
    }
    return json{{"number", number.value_or("")}, {"note", note.value_or("")}};
  });
  table.add("fail.runtime", {"throws a runtime_error", false},
            [](const CallContext&, const json&) -> json { throw std::runtime_error("boom"); });
  table.add("fail.rpc", {"throws an RpcError", false}, [](const CallContext&, const json& params) -> json {
    throw RpcError(paminna::control::error_code::conflict,
                   "no: " + params.dump(-1, ' ', false, json::error_handler_t::replace));
  });
  table.add("echo", {"returns its params", false}, [](const CallContext&, const json& params) { return params; });
  table.add_async("probe", {"answers through the Responder", false},
                  [](const CallContext&, const json& params, const Responder& respond) {
                    Params p(params);
                    const bool ok = p.optional_bool("ok", true);
                    p.finish();
                    if (ok) {
                      respond.result(json{{"probe", "ok"}});
                    } else {
                      respond.error(RpcError(paminna::control::error_code::internal_error, "probe failed"));
                    }
                  });
  table.after_change([] {});
  return table;
}

void check_response(const json& request_id_or_null, bool has_request, const std::string& line) {
  json response;
  try {
    response = json::parse(line);
  } catch (const json::exception& e) {
    fail("response is not JSON", line);
  }
  if (!response.is_object() || response.value("jsonrpc", json()) != "2.0" || !response.contains("id")) {
    fail("response is not JSON-RPC 2.0", line);
  }
  if (response.contains("result") == response.contains("error")) {
    fail("response needs exactly one of result and error", line);
  }
  if (response.contains("error")) {
    const auto& error = response["error"];
    if (!error.is_object() || !error.contains("code") || !error["code"].is_number_integer() ||
        !error.contains("message") || !error["message"].is_string()) {
      fail("malformed error object", line);
    }
  }
  if (has_request && response["id"] != request_id_or_null && !response["id"].is_null()) {
    fail("response id differs from the request's", line);
  }
}

void dispatch_line(MethodTable& table, const std::string& line) {
  int responses = 0;
  std::string last;
  table.dispatch(CallContext{1000, 42, std::nullopt}, line, [&](std::string reply) {
    ++responses;
    last = std::move(reply);
  });
  if (responses > 1) {
    fail("more than one response for one line", line);
  }
  // What the request was, independently of the table's own parsing.
  json request;
  bool parsed = false;
  try {
    request = json::parse(line);
    parsed = true;
  } catch (const json::exception&) {
  }
  const bool object = parsed && request.is_object();
  const bool notification = object && !request.contains("id");
  if (responses == 0) {
    // Only a well-formed notification may go unanswered.
    if (!notification) {
      fail("no response to a request", line);
    }
    return;
  }
  check_response(object && request.contains("id") ? request["id"] : json(nullptr), object && !notification, last);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  spdlog::set_level(spdlog::level::off);  // internal errors are logged; not wanted here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static MethodTable table = make_table();
  if (size == 0) {
    return 0;
  }
  // First byte: chunk size for feeding the framer (1..64), so lines split anywhere.
  const std::size_t chunk = (data[0] % 64) + 1;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  LineFramer framer(kMaxLine);
  for (std::size_t offset = 0; offset < input.size(); offset += chunk) {
    framer.feed(input.substr(offset, chunk));
    for (;;) {
      auto result = framer.next();
      if (result.status == LineFramer::Status::need_more) {
        break;
      }
      if (result.status == LineFramer::Status::too_long) {
        return 0;  // the server answers -32600 and closes the connection
      }
      if (result.line.size() > kMaxLine || result.line.find('\n') != std::string::npos) {
        fail("framer returned a line over the limit or with a LF", result.line);
      }
      dispatch_line(table, result.line);
    }
    if (framer.buffered() > kMaxLine + chunk) {
      fail("framer buffers more than the limit", "");
    }
  }
  return 0;
}
