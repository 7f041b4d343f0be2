# Shared compile options as INTERFACE targets, so every module opts in the same way.

option(PAMINNA_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
option(PAMINNA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(PAMINNA_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)
# A fifth of a booking.add's instructions were glibc's malloc and free (bench/README.md).
# The sanitizers bring their own allocator, so they build without it.
option(PAMINNA_TCMALLOC "Link paminnad with gperftools' tcmalloc_minimal allocator" ON)

add_library(paminna_options INTERFACE)
target_compile_features(paminna_options INTERFACE cxx_std_20)
target_compile_options(paminna_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  # -Wnull-dereference is left out: GCC 12 reports false positives inside libstdc++ at -O2.
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  # Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility> (design.md pitfalls).
  -include utility)
if(PAMINNA_WARNINGS_AS_ERRORS)
  target_compile_options(paminna_options INTERFACE -Werror)
endif()
if(PAMINNA_SANITIZE)
  target_compile_options(paminna_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(paminna_options INTERFACE -fsanitize=address,undefined)
endif()
target_compile_definitions(paminna_options INTERFACE
  PAMINNA_VERSION="${PROJECT_VERSION}"
  BOOST_ASIO_NO_DEPRECATED)
if(PAMINNA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PAMINNA_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  # Every library is instrumented for coverage and checked by ASan and UBSan;
  # the fuzz targets themselves link libFuzzer (tests/fuzz/CMakeLists.txt).
  # UB stops the run like a crash, so the fuzzer reports it.
  target_compile_options(paminna_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(paminna_options INTERFACE -fsanitize=address,undefined)
endif()
