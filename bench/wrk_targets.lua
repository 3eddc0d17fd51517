-- wrk script: GET each target in turn from a file of "path<TAB>cookie" lines (cookie optional),
-- then print one JSON line with the counts and latency percentiles (microseconds).
local targets = {}
local position = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    if path then
      targets[#targets + 1] = { path = path, cookie = cookie }
    end
  end
  -- Each thread starts at its own place in the list.
  position = math.random(#targets) - 1
end

function request()
  position = position % #targets + 1
  local target = targets[position]
  local headers = { ["User-Agent"] = "groundwork-bench" }
  if target.cookie ~= "" then
    headers["Cookie"] = target.cookie
  end
  return wrk.format("GET", target.path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, '
      .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean
  ))
end
