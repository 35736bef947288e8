-- wrk script: GET /api/v1/families/{id} for ids drawn uniformly from 1..FAMILIES.
-- Usage: FAMILIES=1000000 wrk -t2 -c32 -d30s --latency -s bench/family_by_id.lua http://127.0.0.1:8080
local families = tonumber(os.getenv("FAMILIES") or "10000")

function setup(thread)
  thread:set("seed", math.random(1, 2^30))
end

function init(args)
  math.randomseed(seed)
end

request = function()
  local id = math.random(1, families)
  return wrk.format("GET", "/api/v1/families/" .. id)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests: %d, non-2xx or socket errors: %d\n", summary.requests, errors))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%-5s %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
