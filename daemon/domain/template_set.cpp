#include "domain/template_set.h"

namespace paminna {

std::string_view to_string(TextKind kind) {
  switch (kind) {
    case TextKind::reminder:
      return "reminder";
    case TextKind::moved:
      return "moved";
    case TextKind::cancelled:
      return "cancelled";
  }
  return "reminder";
}

}  // namespace paminna
