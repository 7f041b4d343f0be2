#include "voicemail/spool_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace paminna::voicemail {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFile = 64 * 1024;

}  // namespace

std::shared_ptr<SpoolWatcher> SpoolWatcher::create(boost::asio::io_context& io, fs::path mailbox,
                                                   SpoolHandlers handlers) {
  return std::shared_ptr<SpoolWatcher>(new SpoolWatcher(io, std::move(mailbox), std::move(handlers)));
}

SpoolWatcher::SpoolWatcher(boost::asio::io_context& io, fs::path mailbox, SpoolHandlers handlers)
    : stream_(io), mailbox_(std::move(mailbox)), inbox_(mailbox_ / "INBOX"), handlers_(std::move(handlers)) {}

SpoolWatcher::~SpoolWatcher() {
  stop();
}

tl::expected<void, std::string> SpoolWatcher::start() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return tl::unexpected(std::string("inotify_init1: ") + std::generic_category().message(errno));
  }
  stream_.assign(fd);
  // The mailbox folder: Asterisk creates INBOX with the first message.
  if (inotify_add_watch(fd, mailbox_.c_str(), IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
    const std::string problem = mailbox_.string() + ": " + std::generic_category().message(errno);
    stop();
    return tl::unexpected(problem);
  }
  watch_inbox();
  read_events();
  rescan();
  return {};
}

void SpoolWatcher::stop() {
  boost::system::error_code ignored;
  stream_.close(ignored);
  inbox_watch_ = -1;
}

void SpoolWatcher::watch_inbox() {
  if (inbox_watch_ >= 0 || !stream_.is_open()) {
    return;
  }
  inbox_watch_ = inotify_add_watch(stream_.native_handle(), inbox_.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR);
}

void SpoolWatcher::read_events() {
  std::weak_ptr<SpoolWatcher> weak = weak_from_this();
  stream_.async_read_some(boost::asio::buffer(buffer_), [weak](const boost::system::error_code& error, std::size_t n) {
    auto self = weak.lock();
    if (!self || error) {
      return;
    }
    std::size_t offset = 0;
    while (offset + sizeof(inotify_event) <= n) {
      inotify_event header{};
      std::memcpy(&header, self->buffer_.data() + offset, sizeof header);
      std::string name;
      if (header.len > 0) {
        const char* start = self->buffer_.data() + offset + sizeof header;
        name.assign(start, strnlen(start, header.len));
      }
      offset += sizeof header + header.len;
      try {
        if (header.wd == self->inbox_watch_) {
          self->consider(name);
        } else if (name == "INBOX") {
          self->watch_inbox();
          self->rescan();
        }
        if ((header.mask & IN_IGNORED) != 0 && header.wd == self->inbox_watch_) {
          self->inbox_watch_ = -1;  // INBOX removed; its return is seen on the mailbox folder
        }
      } catch (const std::exception& e) {
        if (self->handlers_.on_failed) {
          self->handlers_.on_failed(e.what());
        }
      }
    }
    self->read_events();
  });
}

bool SpoolWatcher::consider(const std::string& name) {
  if (!is_message_file_name(name)) {
    return false;
  }
  const auto path = inbox_ / name;
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) {
    return false;  // renamed away (renumbered) or deleted since: the new name is reported on its own
  }
  const auto mtime = fs::last_write_time(path, ec);
  const auto version = std::make_pair(size, mtime);
  if (const auto it = skipped_.find(name); it != skipped_.end() && it->second == version) {
    return false;
  }
  std::string text;
  if (size <= kMaxFile) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      skipped_[name] = version;
      if (handlers_.on_skipped) {
        handlers_.on_skipped(name, "cannot be read (permissions?)");
      }
      return false;
    }
    std::stringstream s;
    s << in.rdbuf();
    text = s.str();
  } else {
    text.assign(static_cast<std::size_t>(kMaxFile) + 1, ' ');
  }
  auto message = parse_asterisk_message(text);
  if (!message) {
    skipped_[name] = version;
    if (handlers_.on_skipped) {
      handlers_.on_skipped(name, message.error());
    }
    return false;
  }
  skipped_.erase(name);
  if (handlers_.on_message) {
    handlers_.on_message(name, *message);
  }
  return true;
}

std::size_t SpoolWatcher::rescan() {
  watch_inbox();
  std::error_code ec;
  if (!fs::is_directory(inbox_, ec)) {
    return 0;  // no message yet: Asterisk creates INBOX with the first one
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(inbox_, ec)) {
    names.push_back(entry.path().filename().string());
  }
  if (ec && handlers_.on_failed) {
    handlers_.on_failed(inbox_.string() + ": " + ec.message());
  }
  std::sort(names.begin(), names.end());
  std::size_t reported = 0;
  for (const auto& name : names) {
    if (consider(name)) {
      ++reported;
    }
  }
  return reported;
}

}  // namespace paminna::voicemail
