#include "phone/state_file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <system_error>

#include "log/events.h"

namespace paminna::phone {

namespace {

std::string error_text(const std::string& what, const std::filesystem::path& path) {
  return fmt::format("{} {}: {}", what, path.string(), std::generic_category().message(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  // close() reports write-back errors on some file systems: check it.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

}  // namespace

tl::expected<void, std::string> replace_file_atomically(const std::filesystem::path& path, const std::string& content) {
  auto folder = path.parent_path();
  if (folder.empty()) {
    folder = ".";
  }
  std::string temp = (folder / ("." + path.filename().string() + ".XXXXXX")).string();
  Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    return tl::unexpected(error_text("cannot create a temporary file in", folder));
  }
  auto fail = [&](const std::string& what) {
    auto message = error_text(what, temp);
    ::unlink(temp.c_str());
    return tl::unexpected(std::move(message));
  };
  // mkstemp makes 0600; the PBX runs as another user.
  if (::fchmod(fd.get(), 0644) != 0) {
    return fail("cannot chmod");
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const auto n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail("cannot write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) {
    return fail("cannot fsync");
  }
  if (!fd.close()) {
    return fail("cannot close");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return fail(fmt::format("cannot rename onto {}:", path.string()));
  }
  // The rename is durable only once the folder's entry is.
  Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) {
    (void)::fsync(dir.get());
  }
  return {};
}

StateFileSink::StateFileSink(std::filesystem::path json_path, std::filesystem::path word_path)
    : json_path_(std::move(json_path)), word_path_(std::move(word_path)) {}

std::string StateFileSink::name() const {
  return fmt::format("state_file {}{}{}", json_path_.string(), json_path_.empty() || word_path_.empty() ? "" : " ",
                     word_path_.string());
}

void StateFileSink::publish(const PhonePublication& publication) {
  std::string error;
  if (!json_path_.empty()) {
    if (auto ok = replace_file_atomically(json_path_, publication.document.dump(2) + "\n"); !ok) {
      error = ok.error();
    }
  }
  if (!word_path_.empty()) {
    if (auto ok = replace_file_atomically(word_path_, publication.word + "\n"); !ok && error.empty()) {
      error = ok.error();
    }
  }
  if (!error.empty()) {
    failing_ = true;
    log::event(log::Event::PHONE_PUBLISH_FAILED, "sink=state_file status={} error=\"{}\"", publication.word, error);
    return;
  }
  if (failing_) {
    failing_ = false;
    log::event(log::Event::PHONE_PUBLISH_RECOVERED, "sink=state_file status={}", publication.word);
  }
}

}  // namespace paminna::phone
