# lg_library(<folder> [RECURSE] PUBLIC <deps…> PRIVATE <deps…>): the folder's library lg_<folder>,
# built from its *.cpp (RECURSE: its sub-folders' too), with the project root as include path and
# the shared warnings. One library per folder (../shared/DESIGN.md, "Folders").
function(lg_library folder)
  cmake_parse_arguments(arg "RECURSE" "" "PUBLIC;PRIVATE" ${ARGN})
  set(dir ${PROJECT_SOURCE_DIR}/${folder})
  if(arg_RECURSE)
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  else()
    file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  endif()
  list(REMOVE_ITEM sources ${dir}/main.cpp)
  add_library(lg_${folder} STATIC ${sources})
  target_include_directories(lg_${folder} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(lg_${folder} PUBLIC ${arg_PUBLIC} PRIVATE lg_warnings ${arg_PRIVATE})
  lg_use_pch(lg_${folder})
endfunction()
