// The phone state as files a PBX can read: a JSON document and a one-word
// file ("open", "closed" or "internal") for dialplans (docs/phone.md).
//
// Each file is replaced atomically: written to a temporary file in the same
// folder, fsynced, renamed over the old one and the folder fsynced, so a reader
// sees the old state or the new one, never a mix, even after a crash. Files
// are mode 0644: the PBX user reads them; they hold no personal data.
// A write that fails logs PHONE_PUBLISH_FAILED; the next publication writes
// again (the state is recomputed at every change and reload).
#pragma once

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

#include "phone/phone_sink.h"

namespace paminna::phone {

// Replaces `path` with `content` atomically (see above); the error names the path and errno's text.
tl::expected<void, std::string> replace_file_atomically(const std::filesystem::path& path, const std::string& content);

class StateFileSink final : public PhoneSink {
 public:
  // Either path may be empty: that file is not written.
  StateFileSink(std::filesystem::path json_path, std::filesystem::path word_path);
  [[nodiscard]] std::string name() const override;
  void publish(const PhonePublication& publication) override;
  // False after a write failed, until one succeeds.
  [[nodiscard]] bool healthy() const { return !failing_; }

 private:
  std::filesystem::path json_path_;
  std::filesystem::path word_path_;
  bool failing_ = false;
};

}  // namespace paminna::phone
