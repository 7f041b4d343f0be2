// When the connection table is full, the connection idle longest (and at
// least a second) makes room for a newcomer; connections younger than that
// are spared, so a burst of newcomers cannot push itself out. Real sockets and
// a real Server; only the time it reads to age its connections is the test's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "control/method_table.h"
#include "control/server.h"
#include "support/socket_client.h"
#include "support/temp_dir.h"

namespace paminna::control {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr std::string_view kPing = R"({"jsonrpc":"2.0","id":1,"method":"ping"})"
                                   "\n";

class ServerEvictionTest : public ::testing::Test {
 protected:
  ServerEvictionTest() {
    table_.add("ping", MethodInfo{"Answers pong.", false}, [](const CallContext&, const json&) { return "pong"; });
    server_.listen(path_, "");
  }
  ~ServerEvictionTest() override { server_.stop(); }

  // Runs the loop until `done` or about ten seconds have passed.
  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) {
      io_.run_one_for(std::chrono::milliseconds(10));
    }
  }
  // Connects and runs the loop until the server has taken the connection in.
  std::unique_ptr<test::SocketClient> connect() {
    auto client = std::make_unique<test::SocketClient>(path_);
    const auto before = server_.connections();
    run_until([&] { return server_.connections() > before; });
    return client;
  }
  // Sends a ping and returns the reply, running the loop meanwhile.
  std::optional<std::string> ask(test::SocketClient& client) {
    if (!client.send(kPing)) {
      return std::nullopt;
    }
    return read(client);
  }
  std::optional<std::string> read(test::SocketClient& client) {
    std::optional<std::string> line;
    for (int tries = 0; tries < 1000 && !line; ++tries) {
      io_.poll();
      line = client.read_line(std::chrono::milliseconds(10));
    }
    return line;
  }

  test::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "control.sock";
  std::chrono::steady_clock::time_point now_{};
  boost::asio::io_context io_;
  MethodTable table_;
  Server server_{io_, table_, ServerLimits{.max_connections = 2}, [this] { return now_; }};
};

TEST_F(ServerEvictionTest, TheLongestIdleConnectionMakesRoomForANewcomer) {
  auto oldest = connect();
  ASSERT_TRUE(ask(*oldest));
  now_ += std::chrono::milliseconds(300);
  auto other = connect();
  ASSERT_TRUE(ask(*other));
  now_ += std::chrono::milliseconds(1100);  // both idle for more than a second now
  auto newcomer = connect();
  const auto reply = ask(*newcomer);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(json::parse(*reply).contains("result")) << *reply;
  const auto farewell = read(*oldest);
  ASSERT_TRUE(farewell);
  EXPECT_EQ(json::parse(*farewell)["error"]["code"], -32000);
  EXPECT_THAT(*farewell, HasSubstr("longest idle"));
  io_.poll();
  EXPECT_TRUE(oldest->closed_by_peer(std::chrono::milliseconds(100)));
  EXPECT_TRUE(ask(*other)) << "the younger one is untouched";
  EXPECT_EQ(server_.connections(), 2U);
}

TEST_F(ServerEvictionTest, ConnectionsYoungerThanASecondAreSparedAndTheNewcomerIsRefused) {
  auto first = connect();
  ASSERT_TRUE(ask(*first));
  auto second = connect();
  ASSERT_TRUE(ask(*second));
  now_ += std::chrono::milliseconds(900);
  test::SocketClient newcomer(path_);
  const auto refusal = read(newcomer);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(json::parse(*refusal)["error"]["code"], -32000);
  EXPECT_THAT(*refusal, HasSubstr("too many connections"));
  EXPECT_TRUE(newcomer.closed_by_peer(std::chrono::milliseconds(100)));
  EXPECT_TRUE(ask(*first));
  EXPECT_TRUE(ask(*second));
}

TEST_F(ServerEvictionTest, IdleMeansSinceTheLastRequestNotSinceConnecting) {
  auto talking = connect();
  ASSERT_TRUE(ask(*talking));
  now_ += std::chrono::seconds(2);
  auto silent = connect();
  ASSERT_TRUE(ask(*silent));
  now_ += std::chrono::seconds(5);
  ASSERT_TRUE(ask(*talking));  // the first to connect, but the last to ask
  auto newcomer = connect();
  ASSERT_TRUE(ask(*newcomer));
  const auto farewell = read(*silent);
  ASSERT_TRUE(farewell);
  EXPECT_THAT(*farewell, HasSubstr("longest idle")) << "the silent one goes, though it connected later";
}

}  // namespace
}  // namespace paminna::control
