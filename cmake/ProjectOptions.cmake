# Shared compile options as INTERFACE targets, so every module opts in the same way.

option(PAMINNA_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
option(PAMINNA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

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
