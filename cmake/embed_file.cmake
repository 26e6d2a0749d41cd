# Writes OUT: a header holding the contents of IN as `inline constexpr std::string_view NS::NAME`.
file(READ ${IN} content HEX)
string(LENGTH "${content}" hex_len)
set(bytes "")
if(hex_len GREATER 0)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
endif()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#pragma once\n#include <string_view>\nnamespace ${NS} {\ninline constexpr char ${NAME}_data[] = {${bytes} '\\0'};\ninline constexpr std::string_view ${NAME}{${NAME}_data, sizeof(${NAME}_data) - 1};\n}\n")
