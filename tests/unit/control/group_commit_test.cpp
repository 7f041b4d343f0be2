// Group commit of control changes: the changes of one turn share one commit,
// and no response of the turn leaves before that commit has succeeded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "control/method_table.h"
#include "control/params.h"
#include "store/sqlite.h"
#include "store/wal_vfs.h"
#include "support/temp_dir.h"

namespace paminna::control {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class GroupCommitTest : public ::testing::Test {
 protected:
  GroupCommitTest() {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)");
    // What a booking.add does: its change in a Transaction, then an answer.
    table_.add("note.add", store_change("Adds a note."), [this](const CallContext&, const json& params) {
      Params p(params);
      const auto text = p.required_string("text", 40);
      p.finish();
      store::Transaction tx(db_);
      db_.cached("INSERT INTO notes(text) VALUES (?1)").bind(1, text).run();
      db_.after_commit([this, text] { said_.push_back(text); });  // what the audit's log line does
      if (text == "refused") {
        throw RpcError::conflict("refused after writing");
      }
      tx.commit();
      return json{{"id", db_.last_insert_rowid()}};
    });
    // What SQLite does on an I/O error or a full disk in the middle of a turn:
    // it rolls back the whole shared transaction.
    table_.add("note.crash", store_change("Loses the turn's changes."),
               [this](const CallContext&, const json&) -> json {
                 store::Transaction tx(db_);
                 db_.exec("ROLLBACK");
                 throw store::StoreError("insert a note", SQLITE_IOERR, "disk I/O error");
               });
    // A change whose savepoint can no longer be undone on its own (here it
    // was released by hand; in life, an error inside ROLLBACK TO).
    table_.add("note.stuck", store_change("Cannot be undone alone."), [this](const CallContext&, const json&) -> json {
      store::Transaction tx(db_);
      db_.cached("INSERT INTO notes(text) VALUES ('half')").run();
      db_.exec("RELEASE change");
      throw RpcError::conflict("refused after writing");
    });
    // A change that must not wait for others (it may send an SMS after writing).
    table_.add("note.alone", MethodInfo{"Adds a note on its own.", true}, [this](const CallContext&, const json&) {
      store::Transaction tx(db_);
      db_.cached("INSERT INTO notes(text) VALUES ('alone')").run();
      tx.commit();
      alone_saw_ = count_from_outside();
      return json{{"ok", true}};
    });
    table_.after_change([this] { ++after_change_; });
    table_.commit_groups_in(db_);
  }

  void call(int id, const std::string& method, const json& params = json::object()) {
    const json request{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    table_.dispatch({}, request.dump(),
                    [this](const std::string& response) { sent_.push_back(json::parse(response)); });
  }

  // One turn: a good change, `middle`, another good change; all three must
  // be answered "nothing was changed" (the group was lost).
  void lose_the_group(const std::string& middle) {
    table_.begin_turn();
    call(1, "note.add", {{"text", "a"}});
    call(2, middle);
    call(3, "note.add", {{"text", "c"}});
    table_.end_turn();
    ASSERT_EQ(sent_.size(), 3U);
    for (const auto& response : sent_) {
      ASSERT_TRUE(response.contains("error")) << response.dump();
      EXPECT_EQ(response.at("error").at("code"), error_code::store_unavailable);
      EXPECT_THAT(response.at("error").at("message").get<std::string>(), HasSubstr("nothing was changed"));
    }
  }

  // What another process (a backup, sqlite3) sees on disk.
  int count_from_outside() {
    auto& count = outside_.cached("SELECT count(*) FROM notes");
    count.step();
    const auto n = static_cast<int>(count.int64(0));
    count.reset();
    return n;
  }

  test::TempDir dir_;
  store::Database db_{dir_.path() / "turns.db", {}};
  store::Database outside_{dir_.path() / "turns.db", {}};
  MethodTable table_;
  std::vector<json> sent_;
  int after_change_ = 0;
  int alone_saw_ = -1;
  std::vector<std::string> said_;  // what was said after a commit
};

TEST_F(GroupCommitTest, ChangesOfATurnAreAnsweredOnlyOnceTheyAreCommittedTogether) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  call(2, "note.add", {{"text", "b"}});
  call(3, "note.add", {{"text", "c"}});
  EXPECT_TRUE(sent_.empty()) << "no answer before the commit";
  EXPECT_EQ(count_from_outside(), 0);
  EXPECT_EQ(after_change_, 0);
  EXPECT_TRUE(said_.empty()) << "nothing said before the commit";
  table_.end_turn();
  EXPECT_THAT(said_, ::testing::ElementsAre("a", "b", "c"));
  ASSERT_EQ(sent_.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sent_[i].at("id"), i + 1) << "answers keep the order of the requests";
    EXPECT_TRUE(sent_[i].contains("result")) << sent_[i].dump();
  }
  EXPECT_EQ(count_from_outside(), 3);
  EXPECT_EQ(after_change_, 1) << "the dispatcher re-arms once, after the commit";
}

TEST_F(GroupCommitTest, ARefusedChangeIsUndoneAloneAndTheOthersStay) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  call(2, "note.add", {{"text", "refused"}});
  call(3, "note.add", {{"text", "a"}});  // UNIQUE: a store error of its own
  call(4, "note.add", {{"text", "d"}});
  table_.end_turn();
  ASSERT_EQ(sent_.size(), 4U);
  EXPECT_TRUE(sent_[0].contains("result"));
  EXPECT_EQ(sent_[1].at("error").at("code"), error_code::conflict);
  EXPECT_EQ(sent_[2].at("error").at("code"), error_code::store_unavailable);
  EXPECT_TRUE(sent_[3].contains("result"));
  EXPECT_EQ(count_from_outside(), 2);
  EXPECT_THAT(said_, ::testing::ElementsAre("a", "d")) << "the undone change is not said to be made";
}

TEST_F(GroupCommitTest, WhenTheSharedTransactionIsLostEveryChangeInItIsAnsweredWithAnError) {
  int store_errors = 0;
  table_.on_store_error([&store_errors] { ++store_errors; });
  lose_the_group("note.crash");
  EXPECT_EQ(count_from_outside(), 0);
  EXPECT_TRUE(said_.empty());
  EXPECT_GE(store_errors, 1);
  EXPECT_EQ(table_.stats().at("note.add").errors, 2U);

  // The next turn starts afresh.
  sent_.clear();
  table_.begin_turn();
  call(4, "note.add", {{"text", "d"}});
  table_.end_turn();
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_TRUE(sent_[0].contains("result"));
  EXPECT_EQ(count_from_outside(), 1);
  EXPECT_THAT(said_, ::testing::ElementsAre("d")) << "nothing of the lost turn is said later";
}

TEST_F(GroupCommitTest, AChangeThatCannotBeUndoneAloneTakesTheWholeGroupWithIt) {
  lose_the_group("note.stuck");
  EXPECT_EQ(count_from_outside(), 0) << "half of note.stuck must not reach the disk";
  EXPECT_TRUE(said_.empty());
}

TEST_F(GroupCommitTest, AnAsyncMethodCannotJoinAGroup) {
  EXPECT_THROW(table_.add_async("slow.change", store_change("Answers later."),
                                [](const CallContext&, const json&, const Responder&) {}),
               std::logic_error);
}

TEST_F(GroupCommitTest, AChangeOutsideTheGroupCommitsWhatCameBeforeAndItselfAtOnce) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  call(2, "note.alone");
  call(3, "note.add", {{"text", "c"}});
  EXPECT_EQ(alone_saw_, 2) << "it ran after the earlier change was committed, and committed itself";
  EXPECT_EQ(after_change_, 1) << "note.alone's listeners run at once, as without turns";
  table_.end_turn();
  ASSERT_EQ(sent_.size(), 3U);
  EXPECT_EQ(sent_[1].at("id"), 2);
  EXPECT_EQ(count_from_outside(), 3);
  EXPECT_EQ(after_change_, 2);
}

TEST_F(GroupCommitTest, AnAsyncAnswerInALaterTurnIsSentAtOnce) {
  std::optional<Responder> later;
  table_.add_async("slow", MethodInfo{"Answers later.", false},
                   [&later](const CallContext&, const json&, Responder respond) { later = std::move(respond); });
  table_.begin_turn();
  call(1, "slow");
  table_.end_turn();
  EXPECT_TRUE(sent_.empty());
  table_.begin_turn();
  ASSERT_TRUE(later);
  later->result("done");
  ASSERT_EQ(sent_.size(), 1U) << "held by a turn it does not belong to";
  EXPECT_EQ(sent_[0].at("id"), 1);
  table_.end_turn();
  EXPECT_EQ(sent_.size(), 1U);
}

TEST_F(GroupCommitTest, WithoutATurnEachChangeCommitsOnItsOwn) {
  call(1, "note.add", {{"text", "a"}});
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(count_from_outside(), 1);
  EXPECT_EQ(after_change_, 1);
  EXPECT_THAT(said_, ::testing::ElementsAre("a"));
  call(2, "note.add", {{"text", "refused"}});
  EXPECT_THAT(said_, ::testing::ElementsAre("a"));
}

TEST_F(GroupCommitTest, OutsideATransactionWhatIsWrittenIsOnDiskSoItIsSaidAtOnce) {
  db_.cached("INSERT INTO notes(text) VALUES ('x')").run();
  db_.after_commit([this] { said_.emplace_back("x"); });
  EXPECT_THAT(said_, ::testing::ElementsAre("x"));
}

TEST_F(GroupCommitTest, AfterSqliteRolledBackOnItsOwnOnlyWhatIsOnDiskIsSaid) {
  store::Transaction tx(db_);
  db_.cached("INSERT INTO notes(text) VALUES ('lost')").run();
  db_.after_commit([this] { said_.emplace_back("lost"); });
  db_.exec("ROLLBACK");  // an I/O error: SQLite ends the transaction
  { const store::ReadSnapshot status_reads(db_); }
  EXPECT_TRUE(said_.empty()) << "a later read transaction's COMMIT does not say what was lost";
  db_.cached("INSERT INTO notes(text) VALUES ('kept')").run();
  db_.after_commit([this] { said_.emplace_back("kept"); });
  EXPECT_THAT(said_, ::testing::ElementsAre("kept"));
}

TEST_F(GroupCommitTest, AnActionThatThrowsIsSkippedAndTheChangeStands) {
  db_.cached("INSERT INTO notes(text) VALUES ('x')").run();
  EXPECT_NO_THROW(db_.after_commit([] { throw std::runtime_error("a log line failed"); }));
  {
    store::Transaction tx(db_);
    db_.cached("INSERT INTO notes(text) VALUES ('y')").run();
    db_.after_commit([] { throw std::runtime_error("a log line failed"); });
    db_.after_commit([this] { said_.emplace_back("y"); });
    EXPECT_NO_THROW(tx.commit());
  }
  EXPECT_THAT(said_, ::testing::ElementsAre("y"));
  EXPECT_EQ(count_from_outside(), 2);
}

TEST_F(GroupCommitTest, AFailedCommitSaysNothingAndTheNextTransactionStartsClean) {
  {
    store::Transaction tx(db_);
    db_.cached("INSERT INTO notes(text) VALUES ('lost')").run();
    db_.after_commit([this] { said_.emplace_back("lost"); });
    db_.exec("ROLLBACK");  // what SQLite does on its own after an I/O error
    EXPECT_THROW(tx.commit(), store::StoreError);
  }
  {
    store::Transaction tx(db_);
    db_.cached("INSERT INTO notes(text) VALUES ('kept')").run();
    db_.after_commit([this] { said_.emplace_back("kept"); });
    tx.commit();
  }
  EXPECT_THAT(said_, ::testing::ElementsAre("kept"));
}

// With a sync (the daemon's store::WalWorker), the group's COMMIT does not
// wait for the disk; the turn's answers wait for the sync instead.
class ConfirmedGroupCommitTest : public GroupCommitTest {
 protected:
  ConfirmedGroupCommitTest() {
    table_.add("note.count", MethodInfo{"Counts notes.", false}, [this](const CallContext&, const json&) {
      auto& count = db_.cached("SELECT count(*) FROM notes");
      count.step();
      const auto n = count.int64(0);
      count.reset();
      return json{{"notes", n}};
    });
    table_.on_store_error([this] { ++store_errors_; });
    table_.commit_groups_in(db_,
                            [this](std::function<void(std::error_code)> done) { syncs_.push_back(std::move(done)); });
  }

  // The disk answers the oldest sync asked for.
  void confirm(std::error_code error = {}) {
    ASSERT_FALSE(syncs_.empty());
    auto done = std::move(syncs_.front());
    syncs_.erase(syncs_.begin());
    done(error);
  }

  std::vector<int> sent_ids() const {
    std::vector<int> ids;
    for (const auto& response : sent_) {
      ids.push_back(response.at("id").get<int>());
    }
    return ids;
  }

  // Prepared afresh: SQLite reads this pragma's value when the statement is prepared.
  int synchronous() {
    store::Statement level(db_.handle(), "PRAGMA synchronous");
    level.step();
    return static_cast<int>(level.int64(0));
  }

  std::vector<std::function<void(std::error_code)>> syncs_;
  int store_errors_ = 0;
};

TEST_F(ConfirmedGroupCommitTest, TheAnswersOfATurnWaitUntilTheDiskConfirmsItsCommit) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  call(2, "note.add", {{"text", "b"}});
  table_.end_turn();
  EXPECT_EQ(count_from_outside(), 2) << "committed";
  EXPECT_TRUE(sent_.empty()) << "but not yet confirmed on disk";
  EXPECT_TRUE(said_.empty()) << "the audit's log line waits too";
  EXPECT_EQ(after_change_, 1) << "the dispatcher may plan at once: what it sends commits with FULL";
  ASSERT_EQ(syncs_.size(), 1U);
  confirm();
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1, 2));
  EXPECT_TRUE(sent_[0].contains("result")) << sent_[0].dump();
  EXPECT_THAT(said_, ::testing::ElementsAre("a", "b"));
}

TEST_F(ConfirmedGroupCommitTest, ATurnThatChangedNothingWaitsOnlyBehindOneThatDid) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  table_.end_turn();
  table_.begin_turn();
  call(2, "note.count");  // it sees note a, which a power cut could still take away
  table_.end_turn();
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(syncs_.size(), 1U) << "a turn without a commit asks for no sync";
  confirm();
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1, 2));
  EXPECT_EQ(sent_[1].at("result").at("notes"), 1);
  table_.begin_turn();
  call(3, "note.count");
  table_.end_turn();
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1, 2, 3)) << "nothing to wait for: answered at once";
  EXPECT_TRUE(syncs_.empty());
}

TEST_F(ConfirmedGroupCommitTest, EachConfirmationReleasesTheTurnsUpToItsOwn) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  table_.end_turn();
  table_.begin_turn();
  call(2, "note.add", {{"text", "b"}});
  table_.end_turn();
  ASSERT_EQ(syncs_.size(), 2U);
  confirm();
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1));
  confirm();
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1, 2));
}

TEST_F(ConfirmedGroupCommitTest, WhenTheDiskDoesNotConfirmTheChangesAreAnsweredWithAnErrorThatSaysSo) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  call(2, "note.add", {{"text", "refused"}});
  call(3, "note.count");  // runs alone, after the group's commit
  table_.end_turn();
  confirm(std::make_error_code(std::errc::io_error));
  ASSERT_EQ(sent_.size(), 3U);
  for (const std::size_t i : {0U, 1U}) {
    ASSERT_TRUE(sent_[i].contains("error")) << sent_[i].dump();
    EXPECT_EQ(sent_[i].at("error").at("code"), error_code::store_unavailable);
    EXPECT_THAT(sent_[i].at("error").at("message").get<std::string>(), HasSubstr("did not confirm"));
  }
  EXPECT_THAT(sent_[0].at("error").at("message").get<std::string>(), HasSubstr("the change is in the database"));
  EXPECT_THAT(sent_[1].at("error").at("message").get<std::string>(), HasSubstr("this answer rests on"))
      << "a refusal changed nothing";
  EXPECT_TRUE(sent_[2].contains("result")) << "a read is answered as it was";
  EXPECT_TRUE(said_.empty()) << "what the disk did not confirm is not said";
  EXPECT_EQ(store_errors_, 1);
  EXPECT_EQ(table_.stats().at("note.add").errors, 2U);
  table_.begin_turn();
  call(4, "note.add", {{"text", "d"}});
  table_.end_turn();
  confirm(std::make_error_code(std::errc::io_error));
  EXPECT_EQ(store_errors_, 1) << "one failure, reported once: every later sync fails too";
}

TEST_F(ConfirmedGroupCommitTest, AStopAnswersWhatWaitsWithItsOwnSync) {
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  table_.end_turn();
  table_.begin_turn();
  call(2, "note.count");
  table_.end_turn();
  table_.confirm_all({});
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1, 2));
  EXPECT_THAT(said_, ::testing::ElementsAre("a"));
  confirm();  // the worker's own answer, if it still comes, finds nothing left
  EXPECT_EQ(sent_.size(), 2U);
}

TEST_F(ConfirmedGroupCommitTest, AnAsyncAnswerDoesNotOvertakeAnAnswerWaitingForTheDisk) {
  std::optional<Responder> later;
  table_.add_async("slow", MethodInfo{"Answers later.", false},
                   [&later](const CallContext&, const json&, Responder respond) { later = std::move(respond); });
  table_.begin_turn();
  call(1, "note.add", {{"text", "a"}});
  call(2, "slow");
  table_.end_turn();
  ASSERT_TRUE(later);
  later->result("done");
  EXPECT_TRUE(sent_.empty());
  confirm();
  EXPECT_THAT(sent_ids(), ::testing::ElementsAre(1, 2));
}

TEST_F(ConfirmedGroupCommitTest, OnlyTheGroupCommitsWithoutWaitingForTheDisk) {
  EXPECT_EQ(synchronous(), 2) << "FULL: the deferred COMMIT still ends in xSync, where the WAL is written";
  EXPECT_EQ(store::wal_sync_deferred(db_.handle()), false);
  const auto syncs = [this] { return store::wal_syncs(db_.handle()).value_or(0); };
  const auto before = syncs();
  db_.begin_group(store::Database::GroupSync::by_caller);
  {
    store::Transaction tx(db_);
    EXPECT_EQ(store::wal_sync_deferred(db_.handle()), true) << "the caller syncs";
    db_.cached("INSERT INTO notes(text) VALUES ('a')").run();
    db_.after_commit([this] { said_.emplace_back("a"); });
    tx.commit();
  }
  auto committed = db_.end_group();
  EXPECT_TRUE(committed.committed);
  EXPECT_TRUE(said_.empty());
  ASSERT_EQ(committed.after_sync.size(), 1U) << "handed back for the caller to run once synced";
  EXPECT_EQ(syncs(), before) << "no sync of the WAL in that COMMIT";
  EXPECT_EQ(store::wal_sync_deferred(db_.handle()), false) << "synced in the COMMIT again for everything else";
  {
    store::Transaction tx(db_);
    EXPECT_EQ(store::wal_sync_deferred(db_.handle()), false);
    db_.cached("INSERT INTO notes(text) VALUES ('b')").run();
    tx.commit();
  }
  EXPECT_EQ(syncs(), before + 1) << "a transaction outside the group syncs in its COMMIT (the dispatcher's claim)";
  db_.begin_group();
  {
    store::Transaction tx(db_);
    EXPECT_EQ(store::wal_sync_deferred(db_.handle()), false) << "a group that syncs in its COMMIT";
    db_.cached("INSERT INTO notes(text) VALUES ('c')").run();
    tx.commit();
  }
  EXPECT_TRUE(db_.end_group().committed);
  EXPECT_EQ(syncs(), before + 2);
  EXPECT_EQ(synchronous(), 2);
}

}  // namespace
}  // namespace paminna::control
