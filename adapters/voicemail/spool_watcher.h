// Watches one Asterisk voicemail box (its folder holds INBOX/) and hands every
// readable message file to the daemon (issue 7).
//
// Contract
//  1. start() adds inotify watches (IN_MOVED_TO, IN_CLOSE_WRITE on INBOX; the
//     mailbox folder for INBOX appearing) on the caller's io_context and scans
//     INBOX once, so files that arrived while the daemon was stopped are seen.
//  2. Every later change to a msgNNNN.txt in INBOX, and every rescan(), reads
//     the file and calls on_message. The same message may be reported more than
//     once (a rescan, a renumbering): the receiver dedupes on msg_id, never on
//     the file name. Other names (Asterisk's temporary files) are ignored.
//  3. A file that does not parse is reported once per version (size, mtime)
//     through on_skipped and read again when it changes.
//  4. No polling: the owner may call rescan() as a cheap safety net (hourly) and
//     from the `voicemail.rescan` method (Asterisk's externnotify nudge).
// Loop thread only. No exception leaves a handler: failures go to on_failed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <tl/expected.hpp>

#include "voicemail/asterisk_message.h"

namespace paminna::voicemail {

struct SpoolHandlers {
  std::function<void(const std::string& file, const AsteriskMessage& message)> on_message;
  std::function<void(const std::string& file, const std::string& reason)> on_skipped;
  std::function<void(const std::string& problem)> on_failed;  // the folder cannot be watched or read
};

class SpoolWatcher : public std::enable_shared_from_this<SpoolWatcher> {
 public:
  static std::shared_ptr<SpoolWatcher> create(boost::asio::io_context& io, std::filesystem::path mailbox,
                                              SpoolHandlers handlers);
  ~SpoolWatcher();
  SpoolWatcher(const SpoolWatcher&) = delete;
  SpoolWatcher& operator=(const SpoolWatcher&) = delete;

  // Error: inotify could not be set up on the mailbox folder (missing, no access).
  tl::expected<void, std::string> start();
  // Reads every message file in INBOX now; returns how many were reported.
  std::size_t rescan();
  void stop();
  [[nodiscard]] const std::filesystem::path& inbox() const { return inbox_; }

 private:
  SpoolWatcher(boost::asio::io_context& io, std::filesystem::path mailbox, SpoolHandlers handlers);
  void read_events();
  void watch_inbox();
  bool consider(const std::string& name);

  boost::asio::posix::stream_descriptor stream_;
  std::filesystem::path mailbox_;
  std::filesystem::path inbox_;
  SpoolHandlers handlers_;
  int inbox_watch_ = -1;
  std::array<char, 8192> buffer_{};
  // file name -> (size, mtime) of a version that was skipped: not reported again.
  std::map<std::string, std::pair<std::uintmax_t, std::filesystem::file_time_type>> skipped_;
};

}  // namespace paminna::voicemail
