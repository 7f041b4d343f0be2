// What the server learns of a peer from the kernel, without asking it: its
// uid and pid (SO_PEERCRED) and the groups it connected with (SO_PEERGROUPS),
// on which `reveal` rests (office_common.h, may_reveal).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "control/method_table.h"
#include "control/server.h"
#include "support/socket_client.h"
#include "support/temp_dir.h"

namespace paminna::control {
namespace {

using nlohmann::json;

TEST(ServerPeerTest, TheCallContextCarriesThePeersUidPidAndEveryGroupItConnectedWith) {
  test::TempDir dir;
  MethodTable table;
  std::optional<CallContext> seen;
  table.add("whoami", MethodInfo{"Echoes the peer.", false}, [&](const CallContext& context, const json&) {
    seen = context;
    return json{};
  });
  boost::asio::io_context io;
  Server server(io, table, ServerLimits{});
  server.listen(dir.path() / "control.sock", "");
  test::SocketClient client(dir.path() / "control.sock");
  ASSERT_TRUE(client.send(R"({"jsonrpc":"2.0","id":1,"method":"whoami"})"
                          "\n"));
  for (int i = 0; i < 1000 && !seen; ++i) {
    io.run_one_for(std::chrono::milliseconds(10));
  }
  server.stop();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->peer_uid, std::optional<uid_t>(::geteuid()));
  EXPECT_EQ(seen->peer_pid, std::optional<pid_t>(::getpid()));
  std::vector<gid_t> expected(static_cast<std::size_t>(::getgroups(0, nullptr)));
  ASSERT_EQ(::getgroups(static_cast<int>(expected.size()), expected.data()), static_cast<int>(expected.size()));
  expected.push_back(::getegid());
  auto groups = seen->peer_groups;
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(groups, expected);
}

}  // namespace
}  // namespace paminna::control
