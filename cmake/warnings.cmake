# lg_warnings: the shared warning set; lg_sanitizers: ASan + UBSan for the test build.
add_library(lg_warnings INTERFACE)
target_compile_options(lg_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local -Wno-missing-field-initializers)
if(LG_WERROR)
  target_compile_options(lg_warnings INTERFACE -Werror)
endif()

if(LG_SANITIZE)
  # -g1: the line tables a sanitizer report needs, without the full debug info (a tenth of the
  # compile time, and much smaller test binaries to link).
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g1)
  add_link_options(-fsanitize=address,undefined)
endif()
