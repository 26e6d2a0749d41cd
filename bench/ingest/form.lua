-- wrk script for bench/ingest: urlencoded form posts to /v1/forms/website, each with a
-- different phone number so the double-submit window never folds two requests into one.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

request = function()
  counter = counter + 1
  -- 09xxxxxxxx: thread id in the high digits keeps threads apart.
  local phone = string.format("09%d%07d", thread_id % 10, counter % 10000000)
  local body = "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=" .. phone ..
               "&email=an" .. counter .. "%40example.com&utm_source=bench"
  return wrk.format("POST", "/v1/forms/website",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
