// Reading the Prometheus text exposition in tests.
#pragma once

#include <string>

namespace lg::test {

// The value of the series whose line starts with `series` ("name{labels}"), or -1.
inline double series_value(const std::string& text, const std::string& series) {
  std::size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

}  // namespace lg::test
