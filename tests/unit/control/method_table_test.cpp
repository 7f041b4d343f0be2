// The method table maps a request line to a response line with no socket at
// all (style.md §1): every test here calls dispatch() directly.
#include "control/method_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "control/params.h"
#include "store/sqlite.h"

namespace paminna::control {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class MethodTableTest : public ::testing::Test {
 protected:
  MethodTableTest() {
    table_.add("echo", MethodInfo{"Returns its params.", false},
               [this](const CallContext& context, const json& params) {
                 last_context_ = context;
                 last_params_ = params;
                 return params;
               });
    table_.add("ping", MethodInfo{"Answers pong.", false}, [](const CallContext&, const json&) { return "pong"; });
  }

  // Dispatches one line; returns every response sent (at most one expected).
  std::vector<std::string> call(std::string_view line, CallContext context = {}) {
    std::vector<std::string> sent;
    table_.dispatch(std::move(context), line, [&sent](std::string response) { sent.push_back(std::move(response)); });
    return sent;
  }

  // Dispatches one line that must get exactly one response, parsed.
  json respond(std::string_view line, CallContext context = {}) {
    const auto sent = call(line, std::move(context));
    EXPECT_EQ(sent.size(), 1U) << line;
    if (sent.size() != 1) {
      return json();
    }
    EXPECT_EQ(sent.front().find('\n'), std::string::npos) << "a response is one line";
    auto response = json::parse(sent.front());
    EXPECT_EQ(response.value("jsonrpc", ""), "2.0");
    return response;
  }

  static int code_of(const json& response) { return response.at("error").at("code").get<int>(); }
  static std::string message_of(const json& response) { return response.at("error").at("message").get<std::string>(); }

  MethodTable table_;
  std::optional<CallContext> last_context_;
  json last_params_;
};

// --- Requests that are not valid JSON-RPC -----------------------------------------------------------------------

TEST_F(MethodTableTest, MalformedJsonIsAParseErrorWithNullId) {
  for (const char* line : {"{", "not json", "{\"jsonrpc\":\"2.0\",\"id\":1,", "", "{'a':1}", "\xff\xfe"}) {
    const auto response = respond(line);
    EXPECT_EQ(code_of(response), error_code::parse_error) << line;
    EXPECT_TRUE(response.at("id").is_null()) << line;
    EXPECT_FALSE(response.contains("result"));
  }
}

// Found by fuzz_control (tests/fuzz/corpus/control/regression_number_overflow):
// nlohmann::json throws out_of_range, not parse_error, for a number beyond a
// double, and it escaped dispatch(), which promises that no exception does.
TEST_F(MethodTableTest, ANumberBeyondADoubleIsAParseErrorNotAnException) {
  for (const char* line : {R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"limit":184467440e3709551614}})",
                           R"({"jsonrpc":"2.0","id":1e400,"method":"ping"})", "-1e99999"}) {
    std::vector<std::string> sent;
    ASSERT_NO_THROW(sent = call(line)) << line;
    ASSERT_EQ(sent.size(), 1U) << line;
    const auto response = json::parse(sent[0]);
    EXPECT_EQ(code_of(response), error_code::parse_error) << line;
    EXPECT_TRUE(response.at("id").is_null()) << line;
  }
}

TEST_F(MethodTableTest, AJsonValueThatIsNotAnObjectIsAnInvalidRequest) {
  for (const char* line : {"42", "\"status\"", "null", "true", "[]"}) {
    const auto response = respond(line);
    EXPECT_EQ(code_of(response), error_code::invalid_request) << line;
    EXPECT_TRUE(response.at("id").is_null()) << line;
  }
}

TEST_F(MethodTableTest, ABatchIsRefusedAndSaysSo) {
  const auto response =
      respond(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}])");
  EXPECT_EQ(code_of(response), error_code::invalid_request);
  EXPECT_TRUE(response.at("id").is_null());
  EXPECT_THAT(message_of(response), HasSubstr("batch"));
}

TEST_F(MethodTableTest, MissingJsonrpcIsAnInvalidRequestEchoingTheId) {
  const auto response = respond(R"({"id":7,"method":"ping"})");
  EXPECT_EQ(code_of(response), error_code::invalid_request);
  EXPECT_EQ(response.at("id"), 7);
  EXPECT_THAT(message_of(response), HasSubstr("jsonrpc"));
}

TEST_F(MethodTableTest, WrongJsonrpcIsAnInvalidRequest) {
  for (const char* line : {R"({"jsonrpc":"1.0","id":7,"method":"ping"})", R"({"jsonrpc":2.0,"id":7,"method":"ping"})",
                           R"({"jsonrpc":null,"id":7,"method":"ping"})"}) {
    const auto response = respond(line);
    EXPECT_EQ(code_of(response), error_code::invalid_request) << line;
    EXPECT_EQ(response.at("id"), 7) << line;
  }
}

TEST_F(MethodTableTest, MissingMethodIsAnInvalidRequest) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":3})");
  EXPECT_EQ(code_of(response), error_code::invalid_request);
  EXPECT_EQ(response.at("id"), 3);
  EXPECT_THAT(message_of(response), HasSubstr("method"));
}

TEST_F(MethodTableTest, AMethodThatIsNotAStringIsAnInvalidRequest) {
  for (const char* line : {R"({"jsonrpc":"2.0","id":3,"method":42})", R"({"jsonrpc":"2.0","id":3,"method":null})",
                           R"({"jsonrpc":"2.0","id":3,"method":["ping"]})"}) {
    const auto response = respond(line);
    EXPECT_EQ(code_of(response), error_code::invalid_request) << line;
    EXPECT_EQ(response.at("id"), 3) << line;
  }
}

TEST_F(MethodTableTest, AnIdThatIsNotAStringOrAnIntegerIsAnInvalidRequestWithNullId) {
  for (const char* line :
       {R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})", R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",
        R"({"jsonrpc":"2.0","id":[1],"method":"ping"})", R"({"jsonrpc":"2.0","id":true,"method":"ping"})"}) {
    const auto response = respond(line);
    EXPECT_EQ(code_of(response), error_code::invalid_request) << line;
    EXPECT_TRUE(response.at("id").is_null()) << line;
    EXPECT_THAT(message_of(response), HasSubstr("id")) << line;
  }
}

TEST_F(MethodTableTest, AnUnknownMemberIsAnInvalidRequestNamingIt) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":4,"method":"ping","parms":{}})");
  EXPECT_EQ(code_of(response), error_code::invalid_request);
  EXPECT_EQ(response.at("id"), 4);
  EXPECT_THAT(message_of(response), HasSubstr("'parms'"));
}

TEST_F(MethodTableTest, AnUnknownMethodIsMethodNotFoundNamingIt) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":5,"method":"stauts"})");
  EXPECT_EQ(code_of(response), error_code::method_not_found);
  EXPECT_EQ(response.at("id"), 5);
  EXPECT_THAT(message_of(response), HasSubstr("'stauts'"));
}

TEST_F(MethodTableTest, AVeryLongUnknownMethodNameIsNotEchoedInFull) {
  const std::string name(10000, 'm');
  const auto response = respond(json{{"jsonrpc", "2.0"}, {"id", 5}, {"method", name}}.dump());
  EXPECT_EQ(code_of(response), error_code::method_not_found);
  EXPECT_LT(message_of(response).size(), 200U);
}

TEST_F(MethodTableTest, ParamsThatAreNotAnObjectAreInvalidParams) {
  for (const char* line : {R"({"jsonrpc":"2.0","id":6,"method":"echo","params":[1,2]})",
                           R"({"jsonrpc":"2.0","id":6,"method":"echo","params":"x"})",
                           R"({"jsonrpc":"2.0","id":6,"method":"echo","params":3})"}) {
    const auto response = respond(line);
    EXPECT_EQ(code_of(response), error_code::invalid_params) << line;
    EXPECT_EQ(response.at("id"), 6) << line;
  }
  EXPECT_FALSE(last_context_.has_value()) << "the handler must not run";
}

// --- Successful calls -------------------------------------------------------------------------------------------

TEST_F(MethodTableTest, AnIntegerIdIsEchoed) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":12345678901,"method":"ping"})");
  EXPECT_EQ(response.at("id"), 12345678901);
  EXPECT_EQ(response.at("result"), "pong");
  EXPECT_FALSE(response.contains("error"));
}

TEST_F(MethodTableTest, ANegativeIntegerIdIsEchoed) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":-3,"method":"ping"})");
  EXPECT_EQ(response.at("id"), -3);
}

TEST_F(MethodTableTest, AStringIdIsEchoed) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":"req-1 ö","method":"ping"})");
  EXPECT_EQ(response.at("id"), "req-1 ö");
  EXPECT_EQ(response.at("result"), "pong");
}

TEST_F(MethodTableTest, ParamsReachTheHandler) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1,"b":"x"}})");
  EXPECT_EQ(response.at("result"), (json{{"a", 1}, {"b", "x"}}));
}

TEST_F(MethodTableTest, AbsentParamsReachTheHandlerAsNull) {
  respond(R"({"jsonrpc":"2.0","id":1,"method":"echo"})");
  EXPECT_TRUE(last_params_.is_null());
}

TEST_F(MethodTableTest, ThePeerInTheContextReachesTheHandler) {
  CallContext context;
  context.peer_uid = 1000;
  context.peer_pid = 4242;
  respond(R"({"jsonrpc":"2.0","id":1,"method":"echo"})", context);
  ASSERT_TRUE(last_context_.has_value());
  EXPECT_EQ(last_context_->peer_uid, std::optional<uid_t>(1000));
  EXPECT_EQ(last_context_->peer_pid, std::optional<pid_t>(4242));
  EXPECT_FALSE(last_context_->actor.has_value());
}

TEST_F(MethodTableTest, ANotificationGetsNoResponseButRuns) {
  EXPECT_TRUE(call(R"({"jsonrpc":"2.0","method":"echo","params":{"a":1}})").empty());
  EXPECT_EQ(last_params_, (json{{"a", 1}}));
}

TEST_F(MethodTableTest, ANotificationGetsNoResponseEvenWhenItFails) {
  table_.add("fails", {}, [](const CallContext&, const json&) -> json { throw RpcError::conflict("no"); });
  EXPECT_TRUE(call(R"({"jsonrpc":"2.0","method":"fails"})").empty());
  EXPECT_TRUE(call(R"({"jsonrpc":"2.0","method":"no-such-method"})").empty());
  EXPECT_TRUE(call(R"({"jsonrpc":"2.0","method":"echo","params":[1]})").empty());
  EXPECT_TRUE(call(R"({"jsonrpc":"2.0","method":"echo","params":{"actor":"not initials"}})").empty());
}

TEST_F(MethodTableTest, AnExplicitNullIdIsARequestAnsweredWithNullId) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":null,"method":"ping"})");
  EXPECT_TRUE(response.at("id").is_null());
  EXPECT_EQ(response.at("result"), "pong");
}

// --- actor ------------------------------------------------------------------------------------------------------

TEST_F(MethodTableTest, ActorGoesToTheContextAndLeavesTheParams) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"actor":"AB12","x":1}})");
  ASSERT_TRUE(last_context_.has_value());
  EXPECT_EQ(last_context_->actor, std::optional<std::string>("AB12"));
  EXPECT_EQ(last_params_, (json{{"x", 1}}));
  EXPECT_EQ(response.at("result"), (json{{"x", 1}}));
}

TEST_F(MethodTableTest, ActorAloneLeavesAnEmptyObject) {
  respond(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"actor":"KL"}})");
  EXPECT_EQ(last_params_, json::object());
  EXPECT_EQ(last_context_->actor, std::optional<std::string>("KL"));
}

TEST_F(MethodTableTest, ActorOfEightCharactersIsAccepted) {
  const auto response = respond(R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"actor":"ABCDEFGH"}})");
  EXPECT_FALSE(response.contains("error"));
}

TEST_F(MethodTableTest, AnInvalidActorIsInvalidParamsNamingActor) {
  for (const char* actor : {R"("ABCDEFGHI")", R"("")", R"("A B")", R"("A-B")", R"("Å")", R"("AB\n")", "42", "null",
                            "true", R"(["AB"])", R"({"a":1})"}) {
    last_context_.reset();
    const std::string line =
        std::string(R"({"jsonrpc":"2.0","id":9,"method":"echo","params":{"actor":)") + actor + "}}";
    const auto response = respond(line);
    ASSERT_TRUE(response.contains("error")) << actor;
    EXPECT_EQ(code_of(response), error_code::invalid_params) << actor;
    EXPECT_EQ(response.at("id"), 9);
    EXPECT_THAT(message_of(response), HasSubstr("actor")) << actor;
    EXPECT_EQ(response.at("error").at("data").at("field"), "actor") << actor;
    EXPECT_FALSE(last_context_.has_value()) << "the handler must not run for " << actor;
  }
}

// --- Handler failures -------------------------------------------------------------------------------------------

TEST_F(MethodTableTest, InvalidParamsFromAHandlerNameTheField) {
  table_.add("booking.add", {"Books a visit.", true}, [](const CallContext&, const json& params) -> json {
    Params p(params);
    (void)p.required_string("client", 64);
    p.finish();
    return nullptr;
  });
  const auto response = respond(R"({"jsonrpc":"2.0","id":2,"method":"booking.add","params":{"client":17}})");
  EXPECT_EQ(code_of(response), error_code::invalid_params);
  EXPECT_THAT(message_of(response), HasSubstr("client"));
  EXPECT_EQ(response.at("error").at("data"), (json{{"field", "client"}}));
}

TEST_F(MethodTableTest, OtherRpcErrorsKeepTheirCodeAndMessage) {
  table_.add("find", {}, [](const CallContext&, const json&) -> json { throw RpcError::not_found("booking 42"); });
  const auto response = respond(R"({"jsonrpc":"2.0","id":2,"method":"find"})");
  EXPECT_EQ(code_of(response), error_code::not_found);
  EXPECT_EQ(message_of(response), "booking 42 not found");
  EXPECT_FALSE(response.at("error").contains("data"));
}

TEST_F(MethodTableTest, AStoreErrorIsStoreUnavailable) {
  table_.add("write", {}, [](const CallContext&, const json&) -> json {
    throw store::StoreError("insert booking", SQLITE_IOERR_WRITE, "disk I/O error");
  });
  const auto response = respond(R"({"jsonrpc":"2.0","id":2,"method":"write"})");
  EXPECT_EQ(code_of(response), error_code::store_unavailable);
  EXPECT_EQ(response.at("id"), 2);
  EXPECT_THAT(message_of(response), HasSubstr("nothing was changed"));
  EXPECT_THAT(message_of(response), ::testing::Not(HasSubstr("insert booking"))) << "internals stay in the log";
}

TEST_F(MethodTableTest, ABusyStoreSaysTryAgain) {
  table_.add("write", {}, [](const CallContext&, const json&) -> json {
    throw store::StoreError("insert booking", SQLITE_BUSY, "database is locked");
  });
  const auto response = respond(R"({"jsonrpc":"2.0","id":2,"method":"write"})");
  EXPECT_EQ(code_of(response), error_code::store_unavailable);
  EXPECT_THAT(message_of(response), HasSubstr("try again"));
}

TEST_F(MethodTableTest, AnyOtherExceptionIsAnInternalErrorAndDoesNotEscape) {
  table_.add("boom", {}, [](const CallContext&, const json&) -> json { throw std::runtime_error("secret detail"); });
  json response;
  EXPECT_NO_THROW(response = respond(R"({"jsonrpc":"2.0","id":"b","method":"boom"})"));
  EXPECT_EQ(code_of(response), error_code::internal_error);
  EXPECT_EQ(response.at("id"), "b");
  EXPECT_THAT(message_of(response), ::testing::Not(HasSubstr("secret detail")));
}

TEST_F(MethodTableTest, ANonStandardExceptionDoesNotEscapeEither) {
  table_.add("boom", {}, [](const CallContext&, const json&) -> json { throw 42; });
  json response;
  EXPECT_NO_THROW(response = respond(R"({"jsonrpc":"2.0","id":1,"method":"boom"})"));
  EXPECT_EQ(code_of(response), error_code::internal_error);
}

TEST_F(MethodTableTest, AHandlerExceptionAfterNothingWasSentGivesExactlyOneResponse) {
  table_.add("boom", {}, [](const CallContext&, const json&) -> json { throw std::logic_error("x"); });
  EXPECT_EQ(call(R"({"jsonrpc":"2.0","id":1,"method":"boom"})").size(), 1U);
}

TEST_F(MethodTableTest, AResultWithInvalidUtf8IsStillSentAsValidJson) {
  table_.add("bytes", {}, [](const CallContext&, const json&) -> json {
    return std::string(
        "a\xff"
        "b");
  });
  const auto response = respond(R"({"jsonrpc":"2.0","id":1,"method":"bytes"})");
  EXPECT_TRUE(response.at("result").is_string());
}

// --- Asynchronous handlers --------------------------------------------------------------------------------------

TEST_F(MethodTableTest, AnAsyncHandlerRespondsLater) {
  std::optional<Responder> pending;
  table_.add_async(
      "gateway.probe", {"Probes the SMS gateway.", false},
      [&pending](const CallContext&, const json&, Responder responder) { pending.emplace(std::move(responder)); });
  std::vector<std::string> sent;
  table_.dispatch({}, R"({"jsonrpc":"2.0","id":"p1","method":"gateway.probe"})",
                  [&sent](std::string response) { sent.push_back(std::move(response)); });
  EXPECT_TRUE(sent.empty()) << "nothing is sent before the handler completes";
  ASSERT_TRUE(pending.has_value());

  pending->result(json{{"ok", true}});
  ASSERT_EQ(sent.size(), 1U);
  const auto response = json::parse(sent.front());
  EXPECT_EQ(response.at("id"), "p1");
  EXPECT_EQ(response.at("result"), (json{{"ok", true}}));
}

TEST_F(MethodTableTest, AnAsyncHandlerCanFailLater) {
  std::optional<Responder> pending;
  table_.add_async("gateway.probe", {}, [&pending](const CallContext&, const json&, Responder responder) {
    pending.emplace(std::move(responder));
  });
  std::vector<std::string> sent;
  table_.dispatch({}, R"({"jsonrpc":"2.0","id":3,"method":"gateway.probe"})",
                  [&sent](std::string response) { sent.push_back(std::move(response)); });
  ASSERT_TRUE(pending.has_value());
  pending->error(RpcError::conflict("gateway not configured"));
  ASSERT_EQ(sent.size(), 1U);
  const auto response = json::parse(sent.front());
  EXPECT_EQ(response.at("error").at("code"), error_code::conflict);
  EXPECT_EQ(response.at("id"), 3);
}

TEST_F(MethodTableTest, AnAsyncNotificationSendsNothingWhenItCompletes) {
  std::optional<Responder> pending;
  table_.add_async("gateway.probe", {}, [&pending](const CallContext&, const json&, Responder responder) {
    pending.emplace(std::move(responder));
  });
  std::vector<std::string> sent;
  table_.dispatch({}, R"({"jsonrpc":"2.0","method":"gateway.probe"})",
                  [&sent](std::string response) { sent.push_back(std::move(response)); });
  ASSERT_TRUE(pending.has_value());
  pending->result(1);
  pending->error(RpcError::conflict("x"));
  EXPECT_TRUE(sent.empty());
}

TEST_F(MethodTableTest, AnAsyncHandlerThrowingBeforeRespondingGetsAnError) {
  table_.add_async("bad", {}, [](const CallContext&, const json& params, const Responder&) {
    Params p(params);
    (void)p.required_int("n", 0, 10);
  });
  const auto response = respond(R"({"jsonrpc":"2.0","id":1,"method":"bad","params":{"n":11}})");
  EXPECT_EQ(code_of(response), error_code::invalid_params);
  EXPECT_EQ(response.at("error").at("data").at("field"), "n");
}

// --- The list -----------------------------------------------------------------------------------------------------

TEST_F(MethodTableTest, ListsMethodsByNameWithTheirInfo) {
  table_.add("booking.add", {"Books a visit.", true}, [](const CallContext&, const json&) { return json(); });
  const auto methods = table_.list();
  ASSERT_EQ(methods.size(), 3U);
  EXPECT_EQ(methods[0].first, "booking.add");
  EXPECT_EQ(methods[0].second.summary, "Books a visit.");
  EXPECT_TRUE(methods[0].second.mutating);
  EXPECT_EQ(methods[1].first, "echo");
  EXPECT_EQ(methods[2].first, "ping");
}

TEST(ErrorLine, IsOneJsonRpcErrorObject) {
  const auto line = error_line(7, error_code::conflict, "busy", json{{"field", "at"}});
  const auto response = json::parse(line);
  EXPECT_EQ(response,
            (json{{"jsonrpc", "2.0"},
                  {"id", 7},
                  {"error", {{"code", error_code::conflict}, {"message", "busy"}, {"data", {{"field", "at"}}}}}}));
}

TEST(ErrorLine, OmitsNullData) {
  const auto response = json::parse(error_line(nullptr, error_code::parse_error, "bad"));
  EXPECT_FALSE(response.at("error").contains("data"));
  EXPECT_TRUE(response.at("id").is_null());
}

// Issue 9: requests and errors per method for metrics, with bounded keys.
TEST_F(MethodTableTest, CountsCallsAndErrorsPerMethodUnderBoundedNames) {
  call(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  call(R"({"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":1}})");  // ping ignores params: no error
  call(R"({"jsonrpc":"2.0","id":3,"method":"no.such.one"})");
  call(R"({"jsonrpc":"2.0","id":4,"method":"another.made.up.name"})");
  call("not json");
  table_.add("fails", MethodInfo{"Always invalid.", false},
             [](const CallContext&, const json&) -> json { throw RpcError::invalid_params("x", "bad"); });
  call(R"({"jsonrpc":"2.0","id":5,"method":"fails"})");
  const auto& stats = table_.stats();
  EXPECT_EQ(stats.at("ping").calls, 2U);
  EXPECT_EQ(stats.at("ping").errors, 0U);
  EXPECT_EQ(stats.at("fails").calls, 1U);
  EXPECT_EQ(stats.at("fails").errors, 1U);
  // Names a client makes up share one key: a client cannot grow the metrics.
  EXPECT_EQ(stats.at("_unknown").calls, 2U);
  EXPECT_EQ(stats.at("_unknown").errors, 2U);
  EXPECT_EQ(stats.at("_invalid").calls, 1U);
  EXPECT_EQ(stats.at("_invalid").errors, 1U);
  EXPECT_EQ(stats.count("no.such.one"), 0U);
}

TEST_F(MethodTableTest, AnAsyncErrorIsCountedWhenItIsAnswered) {
  std::optional<Responder> later;
  table_.add_async("slow", MethodInfo{"Answers later.", false},
                   [&later](const CallContext&, const json&, Responder respond) { later = std::move(respond); });
  // The answer comes after dispatch() returned: the send function must outlive it.
  std::vector<std::string> sent;
  table_.dispatch({}, R"({"jsonrpc":"2.0","id":1,"method":"slow"})",
                  [&sent](std::string response) { sent.push_back(std::move(response)); });
  EXPECT_EQ(table_.stats().at("slow").errors, 0U);
  ASSERT_TRUE(later);
  later->error(RpcError::conflict("busy"));
  EXPECT_EQ(table_.stats().at("slow").errors, 1U);
  EXPECT_EQ(sent.size(), 1U);
}

TEST_F(MethodTableTest, AStoreErrorIsReportedToListeners) {
  int seen = 0;
  table_.on_store_error([&seen] { ++seen; });
  table_.add("db", MethodInfo{"Fails in the store.", false},
             [](const CallContext&, const json&) -> json { throw store::StoreError("test", SQLITE_IOERR, "disk"); });
  call(R"({"jsonrpc":"2.0","id":1,"method":"db"})");
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace paminna::control
