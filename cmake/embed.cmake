# lg_embed_text(TARGET NAMESPACE NAME FILE [DEPENDS files…]): compile FILE into a C++ string
# constant `NAMESPACE::NAME` (header <NAME>.hpp in the target's generated include dir), so Lua
# scripts and console assets ship inside the binary and are re-embedded when they (or the
# files they include, DEPENDS) change.
function(lg_embed_text target ns name file)
  cmake_parse_arguments(arg "" "" "DEPENDS" ${ARGN})
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/embedded)
  set(out_hpp ${gen_dir}/${name}.hpp)
  add_custom_command(
    OUTPUT ${out_hpp}
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out_hpp} -DNS=${ns} -DNAME=${name}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
    DEPENDS ${file} ${arg_DEPENDS} ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
    COMMENT "Embedding ${name}")
  target_sources(${target} PRIVATE ${out_hpp})
  target_include_directories(${target} PUBLIC ${gen_dir})
endfunction()
