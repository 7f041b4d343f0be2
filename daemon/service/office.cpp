#include "service/office.h"

#include "service/daemon.h"

namespace paminna {

void register_office(Daemon& daemon) {
  const OfficeContext office{daemon.db(),      daemon.auditor(),
                             daemon.clock(),   daemon.scheduler(),
                             daemon.methods(), [&daemon]() -> const Config& { return daemon.config(); }};
  register_client_methods(office);
  register_booking_methods(office);
  register_retention_method(office);
  schedule_retention(office);
  // retention.run_hour may change on reload: plan the next run again.
  daemon.on_reload([office](const Config&) { schedule_retention(office); });
}

}  // namespace paminna
