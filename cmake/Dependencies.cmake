# Debian 12 packages only (design.md "Dependencies"); scripts/dev.sh installs them.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 QUIET)
find_package(date REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# Decided afresh at every configure (pkg-config's own TCMALLOC_FOUND is cached,
# and would survive turning the option or the sanitizers on).
set(PAMINNA_LINK_TCMALLOC OFF)
if(PAMINNA_TCMALLOC AND NOT PAMINNA_SANITIZE AND NOT PAMINNA_FUZZ)
  pkg_check_modules(TCMALLOC QUIET libtcmalloc_minimal)
  if(NOT TCMALLOC_FOUND)
    message(FATAL_ERROR "tcmalloc_minimal not found: install libgoogle-perftools-dev (bash scripts/dev.sh deps), "
                        "or configure with -DPAMINNA_TCMALLOC=OFF to keep glibc's malloc")
  endif()
  set(PAMINNA_LINK_TCMALLOC ON)
endif()

# libphonenumber ships no CMake or pkg-config file on Debian 12.
find_library(PHONENUMBER_LIBRARY NAMES phonenumber REQUIRED)
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
add_library(paminna_phonenumber INTERFACE)
target_link_libraries(paminna_phonenumber INTERFACE ${PHONENUMBER_LIBRARY})
# Its headers trip our warnings; treat them as system headers.
target_include_directories(paminna_phonenumber SYSTEM INTERFACE ${PHONENUMBER_INCLUDE_DIR})

if(NOT TARGET CLI11::CLI11)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})
endif()

# spdlog on Debian is built against the external fmt; make sure we use that one.
add_library(paminna_logging_deps INTERFACE)
target_link_libraries(paminna_logging_deps INTERFACE spdlog::spdlog fmt::fmt)
find_package(tl-expected REQUIRED)
