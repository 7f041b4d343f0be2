// Asterisk voicemail message files (INBOX/msgNNNN.txt): the spool watcher
// reads whatever a file holds, including one that is still being written.
// Checks the parser's contract on every input: an error or a message whose
// fields satisfy what the callback service relies on.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "voicemail/asterisk_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto message = paminna::voicemail::parse_asterisk_message(text);
  (void)paminna::voicemail::is_message_file_name(text.substr(0, 16));
  if (!message) {
    if (message.error().empty()) {
      std::fprintf(stderr, "empty error\n");
      std::abort();
    }
    return 0;
  }
  if (message->msg_id.empty() || message->msg_id.size() > 64 || message->origtime.time_since_epoch().count() <= 0) {
    std::fprintf(stderr, "accepted a message without a valid msg_id or origtime\n");
    std::abort();
  }
  if (message->number && message->number->empty()) {
    std::fprintf(stderr, "an empty number instead of a withheld one\n");
    std::abort();
  }
  return 0;
}
