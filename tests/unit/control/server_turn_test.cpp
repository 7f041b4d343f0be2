// The control server's turns: the lines read in one pass of the loop are
// handled together (one commit), but no more than 64 of them, so a flood of
// requests cannot hold the database's write lock, and the reminder timers and
// the watchdog behind it, for longer than that. And a connection's unanswered
// requests are bounded, so a client that only sends cannot fill the memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "control/method_table.h"
#include "control/params.h"
#include "control/server.h"
#include "store/sqlite.h"
#include "support/socket_client.h"
#include "support/temp_dir.h"

namespace paminna::control {
namespace {

using nlohmann::json;

TEST(ServerTurnTest, ALineFloodFromManyConnectionsIsHandledInTurnsOfAtMost64) {
  test::TempDir dir;
  store::Database db(dir.path() / "turns.db", {});
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
  MethodTable table;
  int lines_in_turn = 0;
  std::vector<int> turns;  // lines of each turn, in order
  table.add("note.add", store_change("Adds a note."), [&](const CallContext&, const json& params) {
    Params p(params);
    const auto n = p.required_int("n", 0, 1'000'000);
    p.finish();
    store::Transaction tx(db);
    db.cached("INSERT INTO notes(n) VALUES (?1)").bind(1, n).run();
    tx.commit();
    ++lines_in_turn;
    return json{{"n", n}};
  });
  table.after_change([&] {  // once per turn that changed something: here, every turn
    turns.push_back(lines_in_turn);
    lines_in_turn = 0;
  });
  table.commit_groups_in(db);

  boost::asio::io_context io;
  Server server(io, table, ServerLimits{});
  const auto path = dir.path() / "control.sock";
  server.listen(path, "");
  constexpr int kClients = 8;
  constexpr int kLinesEach = 16;  // what the server takes from one connection per turn (kLinesPerTurn)
  std::vector<std::unique_ptr<test::SocketClient>> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::make_unique<test::SocketClient>(path));
  }
  for (int i = 0; i < 1000 && server.connections() < kClients; ++i) {
    io.run_one_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(server.connections(), static_cast<std::size_t>(kClients));
  // Every line is waiting before the loop looks again: one pass reads them all.
  for (int c = 0; c < kClients; ++c) {
    std::string lines;
    for (int i = 0; i < kLinesEach; ++i) {
      const int n = c * kLinesEach + i;
      lines += json{{"jsonrpc", "2.0"}, {"id", n}, {"method", "note.add"}, {"params", {{"n", n}}}}.dump() + "\n";
    }
    ASSERT_TRUE(clients[static_cast<std::size_t>(c)]->send(lines));
  }
  const int total = kClients * kLinesEach;
  for (int i = 0; i < 1000 && std::accumulate(turns.begin(), turns.end(), 0) < total; ++i) {
    io.run_one_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(std::accumulate(turns.begin(), turns.end(), 0), total);
  EXPECT_LE(*std::max_element(turns.begin(), turns.end()), 64) << ::testing::PrintToString(turns);
  EXPECT_EQ(turns.front(), 64) << "the lines waiting together share a turn, up to the cap: "
                               << ::testing::PrintToString(turns);
  for (int c = 0; c < kClients; ++c) {
    for (int i = 0; i < kLinesEach; ++i) {
      std::optional<std::string> line;
      for (int tries = 0; tries < 1000 && !line; ++tries) {
        io.poll();  // the replies go out as the loop runs
        line = clients[static_cast<std::size_t>(c)]->read_line(std::chrono::milliseconds(10));
      }
      ASSERT_TRUE(line);
      EXPECT_EQ(json::parse(*line).at("result").at("n"), c * kLinesEach + i) << "every line answered, in order";
    }
  }
  server.stop();
}

// Answers may wait (for the disk, for a gateway); a client that keeps sending
// without them being answered stops being read at 256 unanswered requests,
// instead of filling the daemon's memory, and is read again as answers go out.
TEST(ServerTurnTest, AConnectionWith256UnansweredRequestsIsNotReadUntilOneIsAnswered) {
  MethodTable table;
  std::vector<Responder> unanswered;
  table.add_async(
      "hold", MethodInfo{"Answers when the test says so."},
      [&](const CallContext&, const json&, Responder respond) { unanswered.push_back(std::move(respond)); });
  test::TempDir dir;
  boost::asio::io_context io;
  Server server(io, table, ServerLimits{});
  const auto path = dir.path() / "control.sock";
  server.listen(path, "");
  test::SocketClient client(path);
  constexpr std::size_t kSent = 300;
  std::string lines;
  for (std::size_t i = 0; i < kSent; ++i) {
    lines += json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "hold"}}.dump() + "\n";
  }
  ASSERT_TRUE(client.send(lines));
  std::vector<std::size_t> answers;  // ids, in the order they arrived
  // The loop runs until `done`; the client reads its answers meanwhile, as a
  // client must (a socket's buffer holds a few hundred small writes).
  const auto run_until = [&](const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < give_up) {
      io.poll();
      while (const auto line = client.read_line(std::chrono::milliseconds(2))) {
        answers.push_back(json::parse(*line).at("id").get<std::size_t>());
      }
    }
    return done();
  };
  ASSERT_TRUE(run_until([&] { return unanswered.size() >= 256; }));
  io.run_for(std::chrono::milliseconds(100));  // time to read more, if it would
  ASSERT_EQ(unanswered.size(), 256U) << "read up to the limit, and no further";
  unanswered.front().result(json{{"ok", true}});
  ASSERT_TRUE(run_until([&] { return unanswered.size() > 256; })) << "one answered, one more read";
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(unanswered.size(), 257U);
  for (std::size_t answered = 1; answered < kSent; ++answered) {
    ASSERT_TRUE(run_until([&] { return unanswered.size() > answered; })) << "answered " << answered;
    unanswered[answered].result(json{{"ok", true}});
  }
  ASSERT_TRUE(run_until([&] { return answers.size() == kSent; })) << answers.size() << " answers";
  for (std::size_t i = 0; i < kSent; ++i) {
    EXPECT_EQ(answers[i], i);
  }
  server.stop();
}

}  // namespace
}  // namespace paminna::control
