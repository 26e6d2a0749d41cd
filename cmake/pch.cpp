// The translation unit that lg_pch's precompiled header is built with (cmake/pch.cmake).
