# One precompiled header for the whole build: the third-party headers nearly every file pulls in
# (Boost.Asio and Beast, nlohmann/json, spdlog) and the standard headers around them, compiled
# once by lg_pch and reused by every library and test program (lg_use_pch). It halves the time a
# file spends parsing headers; the GCC builds still need each file to include what it uses for
# the headers of leadgate itself, which are not in it.
option(LG_PCH "Precompile the common third-party headers" ON)

add_library(lg_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cpp)
target_link_libraries(lg_pch PRIVATE lg_asio nlohmann_json::nlohmann_json spdlog::spdlog lg_warnings)
if(LG_PCH)
  target_precompile_headers(lg_pch PRIVATE
    <utility> <algorithm> <chrono> <expected> <functional> <map> <memory> <optional> <string>
    <string_view> <vector>
    <boost/asio.hpp> <boost/asio/ssl.hpp> <boost/beast/core.hpp> <boost/beast/http.hpp>
    <nlohmann/json.hpp> <spdlog/spdlog.h>)
endif()

# lg_use_pch(<target>): compile <target> with lg_pch's precompiled header.
# The header holds inline code of spdlog (fmt) and Asio's TLS (OpenSSL) whose out-of-line parts live in their
# libraries: a target compiled with it links them, even one (lg_core) that logs nothing.
function(lg_use_pch target)
  if(LG_PCH)
    target_precompile_headers(${target} REUSE_FROM lg_pch)
    target_link_libraries(${target} PRIVATE spdlog::spdlog OpenSSL::SSL OpenSSL::Crypto)
  endif()
endfunction()
