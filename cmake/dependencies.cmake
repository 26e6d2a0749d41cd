# Every dependency is a Debian package; scripts/deps installs them.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(spdlog REQUIRED)
find_package(prometheus-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# MIME parsing of polled email (adapters/email/mime_message).
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0)
# hiredis and GMime put these in their pkg-config flags, so only the files that use them would
# compile with them; GCC then refuses the one precompiled header (cmake/pch.cmake) in those
# files. Defined everywhere, every file compiles against the same header set; on 64-bit Linux
# they change nothing (off_t is 64 bits already; the second only names the *64 aliases).
add_compile_definitions(_FILE_OFFSET_BITS=64 _LARGEFILE64_SOURCE)
add_compile_options(-pthread)

# libphonenumber ships no CMake package on Debian.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
add_library(lg_phonenumber INTERFACE)
target_include_directories(lg_phonenumber INTERFACE ${PHONENUMBER_INCLUDE_DIR})
target_link_libraries(lg_phonenumber INTERFACE ${PHONENUMBER_LIBRARY})

# Boost.Asio/Beast settings shared by every target that includes them.
add_library(lg_asio INTERFACE)
target_link_libraries(lg_asio INTERFACE Boost::boost Boost::system Threads::Threads)
target_compile_definitions(lg_asio INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW
  BOOST_ASIO_DISABLE_CONCEPTS)

# The allocator of the programs that run leadgate's data plane (leadgate itself and the benches
# that embed its workers, so they measure what it runs). The request and processing paths
# allocate per lead (form fields, JSON, hiredis replies); glibc's malloc cost ~17% of the
# gateway's CPU in bench/ingest and a third of the process bench's workers; jemalloc took 18-30%
# more forms/s. Not under the sanitizers, which bring their own allocator.
add_library(lg_allocator INTERFACE)
if(NOT LG_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(lg_allocator INTERFACE PkgConfig::JEMALLOC)
endif()

if(LG_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
