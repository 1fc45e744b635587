-- wrk script: realistic Incode onboarding webhooks, each with a unique interview id (so nothing is
-- deduplicated), and the required header. Prints one JSON line of results at the end.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or tostring(os.time())
  n = 0
  statuses = {}
end

function request()
  n = n + 1
  local id = string.format("%s%02x%012x", run, tid, n)
  local body = '{"interviewId":"' .. id .. '","onboardingStatus":"ONBOARDING_FINISHED",'
    .. '"clientId":"acme","flowId":"64f1c0ffee0123456789ffff"}'
  return wrk.format("POST", "/webhooks/incode/onboarding-status",
    { ["Content-Type"] = "application/json", ["X-Incode-Secret"] = "bench-secret" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
