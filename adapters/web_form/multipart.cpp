// multipart/form-data (RFC 7578 over RFC 2046 §5.1.1). Policy choices, each tested:
// - the delimiter is CRLF "--" boundary; a bare LF is accepted too (hand-made clients), and
//   the CR before the LF belongs to the delimiter, never to the value;
// - a preamble before the first delimiter and an epilogue after the closing one are ignored;
// - parts with a filename are counted against max_fields but their content is skipped: a
//   form post carries no files we keep, and an attached file must not fail the lead;
// - a body that ends without the closing "--boundary--" is rejected (it was cut short).
#include "adapters/web_form/field_collector.hpp"
#include "adapters/web_form/header_params.hpp"

namespace lg::adapters::web_form {

using core::errc;
using core::make_error;

namespace {

constexpr std::size_t max_part_header_bytes = 8 << 10;

std::unexpected<core::error> bad(std::string message, std::string field = {}) {
  return std::unexpected(make_error(errc::bad_request, std::move(message), std::move(field)));
}

// Position of the next line end at or after `pos`: {index of '\n' or CRLF start, length}.
std::pair<std::size_t, std::size_t> next_line(std::string_view b, std::size_t pos) {
  const auto lf = b.find('\n', pos);
  if (lf == std::string_view::npos) return {std::string_view::npos, 0};
  if (lf > pos && b[lf - 1] == '\r') return {lf - 1, 2};
  return {lf, 1};
}

struct part_headers {
  std::optional<detail::header_value> disposition;
};

}  // namespace

std::expected<field_list, core::error> parse_multipart(std::string_view body, std::string_view content_type,
                                                       std::size_t max_fields, std::size_t max_field_length) {
  const auto ct = detail::parse_header_value(content_type);
  if (!ct) return bad("malformed Content-Type parameters", "content-type");
  const auto boundary = ct->param("boundary");
  if (!boundary || boundary->empty()) return bad("multipart/form-data without a boundary", "content-type");
  if (boundary->size() > 70) return bad("multipart boundary is longer than 70 characters", "content-type");
  const std::string delim = "--" + *boundary;

  // The first delimiter starts the body or a line (anything before it is preamble).
  std::size_t p = 0;
  while (true) {
    p = body.find(delim, p);
    if (p == std::string_view::npos) return bad("multipart body has no boundary line");
    if (p == 0 || body[p - 1] == '\n') break;
    ++p;
  }

  detail::field_collector fields(max_fields, max_field_length);
  for (std::size_t part = 1;; ++part) {
    std::size_t pos = p + delim.size();
    if (body.substr(pos, 2) == "--") return fields.take();  // closing delimiter; epilogue ignored
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;  // transport padding
    const auto [eol, eol_len] = next_line(body, pos);
    if (eol == std::string_view::npos) return bad("multipart body has no closing boundary");
    if (eol != pos) return bad("multipart boundary line is followed by other text");
    pos = eol + eol_len;

    // Part headers up to the empty line.
    part_headers headers;
    const std::size_t headers_start = pos;
    while (true) {
      const auto [end, len] = next_line(body, pos);
      if (end == std::string_view::npos) return bad("multipart body has no closing boundary");
      if (end - headers_start > max_part_header_bytes)
        return std::unexpected(make_error(errc::payload_too_large, "multipart part headers are larger than 8 KiB"));
      const auto line = body.substr(pos, end - pos);
      pos = end + len;
      if (line.empty()) break;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return bad("multipart part " + std::to_string(part) + " has a malformed header");
      if (detail::lower_ascii(detail::trim(line.substr(0, colon))) == "content-disposition") {
        headers.disposition = detail::parse_header_value(line.substr(colon + 1));
        if (!headers.disposition)
          return bad("multipart part " + std::to_string(part) + " has a malformed Content-Disposition");
      }
    }

    // The content runs to the next line that starts with the delimiter.
    const std::string next_delim = "\n" + delim;
    // From the blank line's LF on, so an empty value written without its CRLF still ends here.
    const auto found = body.find(next_delim, pos - 1);
    if (found == std::string_view::npos) return bad("multipart body has no closing boundary");
    std::size_t content_end = found;
    if (content_end > pos && body[content_end - 1] == '\r') --content_end;
    const auto content = content_end > pos ? body.substr(pos, content_end - pos) : std::string_view{};
    p = found + 1;

    if (!headers.disposition || headers.disposition->value != "form-data")
      return bad("multipart part " + std::to_string(part) + " has no Content-Disposition: form-data");
    const auto name = headers.disposition->param("name");
    if (!name || name->empty()) return bad("multipart part " + std::to_string(part) + " has no name");
    if (headers.disposition->param("filename") || headers.disposition->param("filename*")) {
      if (auto e = fields.count(*name)) return std::unexpected(std::move(*e));
      continue;
    }
    // Check the length before copying so an oversized value is never duplicated.
    if (auto e = fields.check_length(*name, content.size())) return std::unexpected(std::move(*e));
    if (auto e = fields.add(*name, std::string(content))) return std::unexpected(std::move(*e));
  }
}

}  // namespace lg::adapters::web_form
