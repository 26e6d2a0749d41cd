// A main for the fuzz targets when libFuzzer is not there: runs every file of a corpus folder,
// then a fixed number of deterministic mutations of them (byte flips, truncations, splices,
// inserted JSON tokens), so the normal test build exercises the parsers on hostile input.
// Usage: <target>_replay <corpus dir> [mutations]   (exit 0 on success; a crash is a failure)
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutate(const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  static const std::array<std::string, 14> tokens{
      "{", "}", "[", "]", "\"", ",", ":", "null", "true", "-1", "18446744073709551616",
      "1e999", "\"\\ud800\"", "\xff"};
  std::string s = seeds[rng() % seeds.size()];
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const std::size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:
        if (!s.empty()) s[std::min(pos, s.size() - 1)] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:
        s.resize(pos);
        break;
      case 2:
        s.insert(pos, tokens[rng() % tokens.size()]);
        break;
      case 3: {
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty()) s.insert(pos, other.substr(rng() % other.size()));
        break;
      }
      default:
        if (pos < s.size()) s.erase(pos, 1 + rng() % 16);
        break;
    }
    if (s.size() > 1 << 16) s.resize(1 << 16);
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus dir> [mutations]\n", argv[0]);
    return 2;
  }
  const long mutations = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 5000;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // a fixed order keeps the mutations reproducible
  if (files.empty()) {
    std::fprintf(stderr, "%s: empty corpus\n", argv[1]);
    return 1;
  }
  std::vector<std::string> seeds;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    run(seeds.back());
  }
  std::mt19937_64 rng(0x6c656164676174eULL);  // fixed seed: the same inputs on every run
  for (long i = 0; i < mutations; ++i) run(mutate(seeds, rng));
  std::printf("%zu corpus files and %ld mutations ran\n", files.size(), mutations);
  return 0;
}
